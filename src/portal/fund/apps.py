from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "portal.fund"
    label = "fund"
    verbose_name = "应急周转资金"

    def ready(self) -> None:
        from django.urls import reverse

        from chengqu.fund import fund_rules, registry_eid
        from portal.gazette.links import implemented_by_register

        number = fund_rules().document
        pages = {
            "fund:index": (
                "应急周转资金 · 申请与审核",
                (
                    "art_2",
                    "art_3",
                    "art_13",
                    "art_14",
                    "art_15",
                    "art_16",
                    "art_17",
                    "art_18",
                    "art_23",
                    "art_24",
                    "art_26",
                ),
            ),
            "fund:ledger": (
                "应急周转资金 · 专户账",
                ("art_7", "art_9", "art_10", "art_11", "art_12", "art_25"),
            ),
            "fund:reports": ("应急周转资金 · 月报、季报、年报", ("art_20", "art_21")),
            "fund:exclusions": ("应急周转资金 · 不得申报名单", ("art_14",)),
        }
        for url_name, (label, clauses) in pages.items():
            for clause in clauses:
                implemented_by_register(
                    number=number,
                    eid=registry_eid(clause),
                    label=label,
                    url=lambda name=url_name: reverse(name),  # type: ignore[misc]
                )
