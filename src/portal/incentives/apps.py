from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "portal.incentives"
    label = "incentives"
    verbose_name = "惠企政策"

    def ready(self) -> None:
        from django.urls import reverse

        from chengqu.incentives import default_rules
        from portal.gazette.links import implemented_by_register

        rules = default_rules()
        for measure in rules.measures:
            implemented_by_register(
                number=rules.document,
                eid=measure.clause,
                label=f"惠企政策 · 第{measure.number}条测算",
                url=lambda: reverse("incentives:calculator"),
            )
            if measure.kind != "guidance":
                implemented_by_register(
                    number=rules.document,
                    eid=measure.clause,
                    label=f"惠企政策 · 第{measure.number}条申报与兑现",
                    url=lambda: reverse("incentives:claim-list"),
                )
        implemented_by_register(
            number=rules.document,
            eid=rules.stacking.clause,
            label="惠企政策 · 免申即享批量测算",
            url=lambda: reverse("incentives:published-list"),
        )
        for eid in ("para_2__subpara_2", "para_3", "para_4__subpara_3"):
            implemented_by_register(
                number="城政发〔2024〕1号",
                eid=eid,
                label="惠企政策 · 耕地开垦费计算",
                url=lambda: reverse("incentives:fee"),
            )
