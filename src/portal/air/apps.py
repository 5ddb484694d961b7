from django.apps import AppConfig


class AirConfig(AppConfig):
    name = "portal.air"
    label = "air"
    verbose_name = "重污染天气"
