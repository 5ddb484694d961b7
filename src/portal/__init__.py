"""portal: the Django project of chengqu: persistence, pages, JSON API, admin and CLI."""
