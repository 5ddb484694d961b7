from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "portal.fund"
    label = "fund"
    verbose_name = "应急周转资金"
