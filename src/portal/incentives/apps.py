from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "portal.incentives"
    label = "incentives"
    verbose_name = "惠企政策"
