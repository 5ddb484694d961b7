from functools import partial

from django.apps import AppConfig


class RelicsConfig(AppConfig):
    name = "portal.relics"
    label = "relics"
    verbose_name = "文物普查"

    def ready(self) -> None:
        from django.urls import reverse

        from portal.gazette.links import implemented_by_register

        number = "城政发〔2024〕3号"
        for eid, label, name in (
            ("para_3__subpara_1", "文物普查 · 已登记文物复查与新发现登记", "relics:list"),
            ("para_3__subpara_2", "文物普查 · 普查内容登记", "relics:new"),
            ("para_4", "文物普查 · 阶段与进度", "relics:index"),
            ("para_4__subpara_3", "文物普查 · 公开名录", "relics:public"),
            ("para_5__subpara_1", "文物普查 · 损毁立案", "relics:index"),
            ("para_5__subpara_5", "文物普查 · 质量核查与专家审核", "relics:review"),
        ):
            implemented_by_register(number=number, eid=eid, label=label, url=partial(reverse, name))
