from django.apps import AppConfig


class GazetteConfig(AppConfig):
    name = "portal.gazette"
    label = "gazette"
    verbose_name = "政府公报"
