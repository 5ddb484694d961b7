from django.apps import AppConfig


class RelicsConfig(AppConfig):
    name = "portal.relics"
    label = "relics"
    verbose_name = "文物普查"
