"""Models of the notification inbox (filled in by the notify work)."""
