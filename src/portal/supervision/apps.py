from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "portal.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from portal.gazette.links import implemented_by_register

        for number, eid, label, url in (
            ("城政办发〔2024〕9号", "att_1", "任务台账", "/supervision/"),
            (
                "城政办发〔2024〕3号",
                "para_3",
                "消防安全检查清单",
                "/supervision/hazards/checklist/",
            ),
            (
                "城政办发〔2024〕3号",
                "para_5__subpara_2",
                "隐患三个清单与整改闭环",
                "/supervision/hazards/",
            ),
            (
                "城政办发〔2024〕3号",
                "para_5__subpara_3",
                "大曝光",
                "/supervision/hazards/exposure/",
            ),
            ("城政办发〔2024〕3号", "para_6", "工作步骤与报送时间", "/supervision/schedule/"),
            ("城政办发〔2024〕4号", "para_2", "两节环境卫生保障阶段", "/supervision/schedule/"),
        ):
            implemented_by_register(number=number, eid=eid, label=label, url=url)
        # Every numbered task (一)–(三十二) of the safety notice is a ledger task, whichever of its
        # seven parts it stands in (chengqu.supervision.safety).
        for part in range(1, 8):
            implemented_by_register(
                number="城政发〔2024〕5号",
                eid=f"para_{part}",
                label="安全生产重点任务",
                url="/supervision/?source=城政发〔2024〕5号",
            )
