from collections.abc import Callable

from django.apps import AppConfig


class CommandConfig(AppConfig):
    name = "portal.command"
    label = "command"
    verbose_name = "应急指挥"

    def ready(self) -> None:
        from django.urls import reverse

        from chengqu.command import load_roster
        from portal.gazette.links import implemented_by_register

        notice = "城政办发〔2024〕8号"
        implemented_by_register(
            number=notice,
            eid="para_1",
            label="应急指挥 · 区应急救援总指挥部",
            url=lambda: reverse("command:hq", kwargs={"key": "general"}),
        )
        implemented_by_register(
            number=notice,
            eid="para_2",
            label="应急指挥 · 指挥体系",
            url=lambda: reverse("command:index"),
        )

        def hq_url(key: str) -> Callable[[], str]:
            return lambda: reverse("command:hq", kwargs={"key": key})

        for n, hq in enumerate(load_roster().special(), start=1):
            implemented_by_register(
                number=notice,
                eid=f"para_2__subpara_{n}",
                label=f"应急指挥 · {hq.name}",
                url=hq_url(hq.key),
            )
        for number in ("城政办发〔2024〕7号", "城政办发〔2024〕2号"):
            implemented_by_register(
                number=number,
                eid="",
                label="应急指挥 · 突发事件与报告时限",
                url=lambda: reverse("command:incidents"),
            )
        for eid in ("para_6__subpara_28", "para_6__subpara_29"):
            implemented_by_register(
                number="城政发〔2024〕5号",
                eid=eid,
                label="应急指挥 · 演练与值班",
                url=lambda: reverse("command:duties"),
            )
