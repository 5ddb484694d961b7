from django.apps import AppConfig


class AirConfig(AppConfig):
    name = "portal.air"
    label = "air"
    verbose_name = "重污染天气"

    def ready(self) -> None:
        from django.urls import reverse

        from portal.gazette.links import implemented_by_register

        number = "城政办发〔2024〕1号"
        implemented_by_register(
            number=number, eid="", label="重污染天气 · 公开预警", url=lambda: reverse("air:index")
        )
        implemented_by_register(
            number=number,
            eid="",
            label="重污染天气 · 预警审批发布",
            url=lambda: reverse("air:office"),
        )
        implemented_by_register(
            number=number,
            eid="",
            label="重污染天气 · 应急减排清单",
            url=lambda: reverse("air:list"),
        )
