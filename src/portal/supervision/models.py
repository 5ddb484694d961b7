"""Tables of the supervision module: one loop item for tasks and hazards, its events, venues,
hazard details, exposures and bulletins."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chengqu.supervision import Action
from portal.accounts.models import Department


class LoopItem(models.Model):
    """A task (督查督办) or a hazard (隐患) on the shared closed loop."""

    class Kind(models.TextChoices):
        TASK = "task", "任务"
        HAZARD = "hazard", "隐患"

    class State(models.TextChoices):
        DISPATCHED = "dispatched", "已交办"
        ACCEPTED = "accepted", "已签收"
        IN_PROGRESS = "in_progress", "推进中"
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        CLOSED = "closed", "已办结"

    kind = models.CharField("类别", max_length=8, choices=Kind.choices, default=Kind.TASK)
    key = models.CharField("导入键", max_length=160, unique=True, null=True, blank=True)
    source = models.CharField("来源文号", max_length=64, blank=True, db_index=True)
    eid = models.CharField("条款", max_length=120, blank=True)
    number = models.CharField("序号", max_length=32, blank=True)
    title = models.CharField("标题", max_length=200, blank=True)
    text = models.TextField("内容")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unit = models.ForeignKey(
        Department,
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_items",
    )
    unit_name = models.CharField("牵头单位(原文)", max_length=300, blank=True)
    co_units = models.ManyToManyField(
        Department, verbose_name="共同负责单位", blank=True, related_name="supervision_shared_items"
    )
    leader = models.CharField("区领导", max_length=32, blank=True, db_index=True)
    leader_title = models.CharField("领导职务", max_length=64, blank=True)
    responsible_leader = models.CharField("责任领导", max_length=32, blank=True)
    supervisors = models.JSONField("分管领导", default=list, blank=True)
    sections = models.JSONField("责任科室", default=list, blank=True)
    persons = models.JSONField("责任人", default=list, blank=True)
    livelihood = models.BooleanField("民生实事项目", default=False)
    liaison = models.BooleanField("对接区直相关部门", default=False)
    towns = models.BooleanField("镇(街道)任务", default=False)
    milestones = models.JSONField("节点", default=list, blank=True)
    due_source = models.CharField("期限来源", max_length=8, default="text")  # text | default
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.DISPATCHED)
    dispatched = models.DateField("交办日期")
    due = models.DateField("完成期限", db_index=True)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报结人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pending_due = models.DateField("申请延期至", null=True, blank=True)
    pending_reason = models.CharField("延期理由", max_length=500, blank=True)
    escalation = models.PositiveSmallIntegerField("督办级别", default=0)
    returns = models.PositiveSmallIntegerField("退回次数", default=0)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["kind", "source", "pk"]
        indexes = [
            models.Index(fields=["kind", "state", "due"], name="sv_item_kind_state_due"),
            models.Index(fields=["kind", "unit", "state"], name="sv_item_kind_unit_state"),
            models.Index(fields=["kind", "due", "id"], name="sv_item_kind_due"),
            models.Index(fields=["kind", "leader", "due"], name="sv_item_kind_leader_due"),
            models.Index(fields=["kind", "livelihood", "due"], name="sv_item_kind_livelihood_due"),
            models.Index(fields=["kind", "source"], name="sv_item_kind_source"),
            models.Index(fields=["kind", "unit", "due"], name="sv_item_kind_unit_due"),
            # covers the bulletin's grouped count with the people it names (and a unit's leaders): no
            # table reads for 100,000 items
            models.Index(
                fields=[
                    "kind",
                    "unit",
                    "leader",
                    "state",
                    "due",
                    "dispatched",
                    "progress",
                    "closed_on",
                    "responsible_leader",
                    "persons",
                ],
                name="sv_item_bulletin",
            ),
            models.Index(fields=["kind", "unit", "source"], name="sv_item_kind_unit_source"),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title or self.text[:30]}"


class LoopEvent(models.Model):
    """One step on an item's loop: who did what, when, with what words and evidence."""

    class Step(models.TextChoices):
        """The steps a timeline records: the loop's actions and the steps the system takes."""

        DISPATCH = "dispatch", "交办"
        IMPORT_UPDATE = "import_update", "导入更新"
        SPLIT = "split", "分解"
        CHILDREN_CLOSED = "children_closed", "分项全部销案"
        ACCEPT = Action.ACCEPT.value, "签收"
        PROGRESS = Action.PROGRESS.value, "报送进展"
        SUBMIT = Action.SUBMIT.value, "报结"
        PASS = Action.PASS.value, "审核通过办结"
        RETURN = Action.RETURN.value, "退回"
        REQUEST_EXTENSION = Action.REQUEST_EXTENSION.value, "申请延期"
        APPROVE_EXTENSION = Action.APPROVE_EXTENSION.value, "批准延期"
        REJECT_EXTENSION = Action.REJECT_EXTENSION.value, "不批准延期"
        ESCALATE = Action.ESCALATE.value, "升级督办"

    item = models.ForeignKey(
        LoopItem, verbose_name="事项", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=24, choices=Step.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("时间")
    on = models.DateField("业务日期")
    text = models.TextField("说明", blank=True)
    evidence = models.TextField("佐证材料", blank=True)
    progress = models.PositiveSmallIntegerField("进度(%)", null=True, blank=True)
    new_due = models.DateField("新期限", null=True, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["item", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action}"

    @property
    def action_label(self) -> str:
        """The step as the timeline shows it (签收, 报结, 升级督办 …)."""
        return str(self.get_action_display())


class Venue(models.Model):
    """A place inspected in the fire campaign (二、整治范围): class, kind, street, grid, person."""

    name = models.CharField("场所名称", max_length=200)
    venue_class = models.CharField("场所类别", max_length=16)  # nine_small | mixed_use | crowded
    kind = models.CharField("场所类型", max_length=64)
    street = models.ForeignKey(
        Department,
        verbose_name="属地镇(街道)",
        on_delete=models.PROTECT,
        related_name="supervision_venues",
    )
    grid = models.CharField("网格", max_length=64, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    responsible_person = models.CharField("场所责任人", max_length=64)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    created = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "排查场所"
        verbose_name_plural = "排查场所"
        ordering = ["street", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="sv_venue_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SelfInspection(models.Model):
    """A venue's self-inspection record signed by its person in charge (五(一), 附件2)."""

    venue = models.ForeignKey(
        Venue, verbose_name="场所", on_delete=models.PROTECT, related_name="self_inspections"
    )
    inspected_on = models.DateField("自查日期")
    signed_by = models.CharField("场所责任人(签字)", max_length=64)
    findings = models.JSONField("自查发现(检查项编号)", default=list, blank=True)
    note = models.TextField("自查情况", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "场所自查记录"
        verbose_name_plural = "场所自查记录"
        ordering = ["-inspected_on", "pk"]

    def __str__(self) -> str:
        return f"{self.venue} {self.inspected_on}"


class Hazard(models.Model):
    """The hazard-specific part of a loop item: venue, checklist item, 三个清单 and flags."""

    item = models.OneToOneField(
        LoopItem, verbose_name="督办事项", on_delete=models.CASCADE, related_name="hazard"
    )
    venue = models.ForeignKey(
        Venue, verbose_name="场所", on_delete=models.PROTECT, related_name="hazards"
    )
    check_id = models.CharField("检查项", max_length=8)
    clause = models.CharField("条款", max_length=64)
    inspector_kind = models.CharField("排查主体", max_length=16)
    found_on = models.DateField("发现日期")
    measure = models.TextField("整改措施")
    responsible_person = models.CharField("整改责任人", max_length=64)
    tough = models.BooleanField("攻坚整治对象", default=False)
    plan = models.TextField("攻坚方案", blank=True)
    major = models.BooleanField("重大火灾隐患挂牌督办", default=False)
    credit_flag = models.BooleanField("严重失信录入信用平台", default=False)

    class Meta:
        verbose_name = "火灾隐患"
        verbose_name_plural = "火灾隐患"

    def __str__(self) -> str:
        return f"{self.venue} {self.check_id}"


class Exposure(models.Model):
    """One 大曝光 held on a day, naming hazards' units (五(三))."""

    held_on = models.DateField("曝光日期")
    hazards = models.ManyToManyField(Hazard, verbose_name="曝光隐患", related_name="exposures")
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "曝光记录"
        verbose_name_plural = "曝光记录"
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"曝光 {self.held_on}"


class Bulletin(models.Model):
    """A 通报 the 督查室 published for a period, with the figures as they stood."""

    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    title = models.CharField("标题", max_length=200)
    figures = models.JSONField("各单位情况", default=list)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField("发布时间")

    class Meta:
        verbose_name = "督查通报"
        verbose_name_plural = "督查通报"
        ordering = ["-published_at", "pk"]

    def __str__(self) -> str:
        return self.title


class ObligationRecord(models.Model):
    """One occurrence of a recurring obligation (安委会会议, 一线督查, 综合演练 …) a unit records."""

    obligation = models.CharField("周期性工作", max_length=48)
    unit = models.ForeignKey(
        Department,
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        related_name="supervision_obligation_records",
    )
    held_on = models.DateField("开展日期")
    person = models.CharField("主持或带队人", max_length=64)
    note = models.TextField("会议纪要或佐证材料")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "周期性工作记录"
        verbose_name_plural = "周期性工作记录"
        ordering = ["obligation", "unit", "held_on", "pk"]
        indexes = [
            models.Index(fields=["obligation", "unit", "held_on"], name="sv_obl_rec_key_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.obligation} {self.unit} {self.held_on}"
