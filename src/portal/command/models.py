"""Tables of the command module: HQs and their seats (over accounts' positions), incidents,
their reports and timeline, and the record of recurring duties done.

Rules live in ``chengqu.command``; these tables only hold what was loaded or recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chengqu.common import Citation
from portal.accounts.models import Department, Position


class Headquarters(models.Model):
    """The general HQ, a 专项应急指挥部 or a plan's HQ, as loaded from the roster."""

    class Kind(models.TextChoices):
        GENERAL = "general", "总指挥部"
        SPECIAL = "special", "专项应急指挥部"
        PLAN = "plan", "预案指挥部"

    key = models.SlugField("编码", max_length=64, unique=True)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=128)
    also = models.CharField("又称", max_length=64, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级/关联指挥部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    document = models.CharField("文件", max_length=64)
    clause = models.CharField("条款", max_length=32)
    duties = models.TextField("职责", blank=True)
    duties_clause = models.CharField("职责条款", max_length=32, blank=True)
    members_text = models.TextField("成员(原文)", blank=True)
    member_units = models.JSONField("成员单位", default=list, blank=True)
    office_host = models.ForeignKey(
        Department,
        verbose_name="办公室设在",
        on_delete=models.PROTECT,
        related_name="command_offices",
    )
    office_text = models.TextField("办公室(原文)", blank=True)
    office_duties = models.TextField("办公室职责", blank=True)
    office_document = models.CharField("办公室条款文件", max_length=64, blank=True)
    office_clause = models.CharField("办公室条款", max_length=32, blank=True)
    groups = models.JSONField("工作组", default=list, blank=True)
    groups_note = models.TextField("工作组说明", blank=True)
    notes = models.JSONField("说明", default=list, blank=True)

    class Meta:
        verbose_name = "指挥部"
        verbose_name_plural = "指挥部"
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    @property
    def citation(self) -> Citation:
        return Citation(self.document, self.clause, self.name)

    @property
    def duties_citation(self) -> Citation:
        return Citation(self.document, self.duties_clause or self.clause, self.duties[:60])

    @property
    def office_citation(self) -> Citation:
        return Citation(
            self.office_document or self.document,
            self.office_clause or self.clause,
            self.office_text,
        )


class Post(models.Model):
    """A roster position (by its key in the roster) and the accounts Position that carries it."""

    key = models.CharField("岗位键", max_length=128, unique=True)
    position = models.OneToOneField(
        Position, verbose_name="岗位", on_delete=models.PROTECT, related_name="command_post"
    )
    title = models.CharField("职务(原文)", max_length=128)
    title_given = models.BooleanField("原文写明职务", default=True)
    order = models.PositiveIntegerField("顺序", default=0)
    document = models.CharField("文件", max_length=64)
    clause = models.CharField("条款", max_length=32)
    line = models.PositiveIntegerField("公报行号", null=True, blank=True)

    class Meta:
        verbose_name = "指挥部岗位"
        verbose_name_plural = "指挥部岗位"
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title

    @property
    def citation(self) -> Citation:
        return Citation(self.document, self.clause, self.title)


class Seat(models.Model):
    """A post sitting in an HQ in one role; the person is whoever holds the post today."""

    class Role(models.TextChoices):
        CHIEF = "总指挥", "总指挥"
        EXECUTIVE_DEPUTY_CHIEF = "常务副总指挥", "常务副总指挥"
        DEPUTY_CHIEF = "副总指挥", "副总指挥"
        COMMANDER = "指挥长", "指挥长"
        DEPUTY_COMMANDER = "副指挥长", "副指挥长"
        MEMBER = "成员", "成员"
        OFFICE_DIRECTOR = "办公室主任", "办公室主任"

    hq = models.ForeignKey(
        Headquarters, verbose_name="指挥部", on_delete=models.CASCADE, related_name="seats"
    )
    post = models.ForeignKey(
        Post, verbose_name="岗位", on_delete=models.PROTECT, related_name="seats"
    )
    role = models.CharField("职责角色", max_length=16, choices=Role.choices)
    as_written = models.CharField("原文", max_length=128)
    order = models.PositiveIntegerField("顺序", default=0)
    document = models.CharField("文件", max_length=64)
    clause = models.CharField("条款", max_length=32)
    text = models.TextField("引文", blank=True)

    class Meta:
        verbose_name = "指挥部席位"
        verbose_name_plural = "指挥部席位"
        ordering = ["hq__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["hq", "post", "role"], name="command_seat_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.hq} · {self.role} · {self.post}"

    @property
    def citation(self) -> Citation:
        return Citation(self.document, self.clause, self.text)


class Incident(models.Model):
    """A recorded 突发事件: what, when, where; routed to an HQ; clocks run from its times."""

    class Status(models.TextChoices):
        OPEN = "open", "处置中"
        CLOSED = "closed", "已终止"

    class Grade(models.TextChoices):
        NONE = "", "未定级"
        ORDINARY = "一般", "一般"
        LARGER = "较大", "较大"
        MAJOR = "重大", "重大"
        GRAVE = "特别重大", "特别重大"

    incident_type = models.CharField("事件类型", max_length=128)
    description = models.TextField("事件描述", blank=True)
    occurred_at = models.DateTimeField("事发时间")
    learned_at = models.DateTimeField("获知时间", null=True, blank=True)
    place = models.CharField("地点", max_length=255)
    reporter = models.CharField("报告人", max_length=128, blank=True)
    grade = models.CharField(
        "事件级别", max_length=8, choices=Grade.choices, blank=True, default=""
    )
    level = models.CharField("响应级别", max_length=4, blank=True)
    warning = models.CharField("预警级别", max_length=8, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name="属地单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    hq = models.ForeignKey(
        Headquarters,
        verbose_name="指挥部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    routing_status = models.CharField("路由结果", max_length=16, blank=True)
    candidates = models.JSONField("候选指挥部", default=list, blank=True)
    plan = models.CharField("适用预案", max_length=64, blank=True)
    anchors = models.JSONField("起算时点", default=dict, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField("终止时间", null=True, blank=True)
    closed_by = models.CharField("终止命令下达", max_length=128, blank=True)
    started_by = models.CharField("启动响应的指挥机构", max_length=128, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "突发事件"
        verbose_name_plural = "突发事件"
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # The dashboard's order (newest first, then id) served by an index for every filter.
            models.Index(fields=["occurred_at", "id"], name="command_inc_time"),
            models.Index(fields=["department", "occurred_at", "id"], name="command_inc_dept_time"),
            models.Index(fields=["status", "occurred_at", "id"], name="command_inc_status_time"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_type} · {self.place}"


class Report(models.Model):
    """A report on an incident against one of its clocks (or a free follow-up).

    A draft is saved as typed; filing stamps who and when and the due time then in force.
    Lateness is computed from those two times, never stored as a flag.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        FILED = "filed", "已报送"

    incident = models.ForeignKey(
        Incident, verbose_name="事件", on_delete=models.CASCADE, related_name="reports"
    )
    clock = models.CharField("时限", max_length=64, blank=True)
    title = models.CharField("报告", max_length=128)
    content = models.JSONField("内容", default=dict, blank=True)
    text = models.TextField("正文", blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.DRAFT)
    complete = models.BooleanField("内容完整", default=False)
    due_at = models.DateTimeField("应报时间", null=True, blank=True)
    filed_at = models.DateTimeField("报送时间", null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("保存时间")

    class Meta:
        verbose_name = "事件报告"
        verbose_name_plural = "事件报告"
        ordering = ["incident", "pk"]
        indexes = [models.Index(fields=["incident", "clock"], name="command_report_clock")]

    def __str__(self) -> str:
        return f"{self.incident} · {self.title}"

    @property
    def late(self) -> bool:
        return self.filed_at is not None and self.due_at is not None and self.filed_at > self.due_at


class Event(models.Model):
    """One line of an incident's timeline."""

    incident = models.ForeignKey(
        Incident, verbose_name="事件", on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField("时间")
    kind = models.CharField("类别", max_length=32)
    text = models.TextField("内容")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document = models.CharField("依据文件", max_length=64, blank=True)
    clause = models.CharField("依据条款", max_length=32, blank=True)

    class Meta:
        verbose_name = "事件时间线"
        verbose_name_plural = "事件时间线"
        ordering = ["incident", "at", "pk"]
        indexes = [models.Index(fields=["incident", "at"], name="command_event_time")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.text}"

    @property
    def citation(self) -> Citation | None:
        return Citation(self.document, self.clause) if self.document else None


class DutyRecord(models.Model):
    """A recurring duty done (a drill held, a plan revised) on a day."""

    duty = models.CharField("职责", max_length=64)
    done_on = models.DateField("完成日期")
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "演练修订记录"
        verbose_name_plural = "演练修订记录"
        ordering = ["duty", "-done_on"]

    def __str__(self) -> str:
        return f"{self.duty} {self.done_on}"


class DutyShift(models.Model):
    """One day of the 24-hour duty roster: the leader on duty (带班领导) and the duty officer.

    Source: 城政发〔2024〕5号 (二十九) "严格领导带班和24小时值班值守"; 城政办发〔2024〕1号 6.1.
    """

    day = models.DateField("值班日期", unique=True)
    leader = models.CharField("带班领导", max_length=64)
    leader_post = models.CharField("带班领导职务", max_length=128, blank=True)
    officer = models.CharField("值班员", max_length=64)
    phone = models.CharField("值班电话", max_length=32)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="排班人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "值班安排"
        verbose_name_plural = "值班安排"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.leader}/{self.officer}"


class Task(models.Model):
    """A task the plan requires on an incident: a water-plan task of a working group (7号 3.5,
    5.1.1, 5.1.2, 5.2.3) or an animal-plan measure of a zone (2号 4.3); ticked with who and when."""

    class Source(models.TextChoices):
        WATER = "water", "水源地预案任务"
        ANIMAL = "animal", "动物疫情响应措施"

    incident = models.ForeignKey(
        Incident, verbose_name="事件", on_delete=models.CASCADE, related_name="tasks"
    )
    source = models.CharField("来源", max_length=8, choices=Source.choices)
    key = models.CharField("任务键", max_length=64)
    group = models.CharField("工作组/区域", max_length=32)
    also = models.JSONField("配合工作组", default=list, blank=True)
    title = models.CharField("任务", max_length=128)
    text = models.TextField("原文")
    document = models.CharField("文件", max_length=64)
    clause = models.CharField("条款", max_length=32)
    basis = models.CharField("分工依据", max_length=16, blank=True)
    discretionary = models.BooleanField("视情实施", default=False)
    note = models.TextField("说明", blank=True)
    trigger = models.CharField("触发", max_length=32, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)
    created_at = models.DateTimeField("生成时间")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="完成标记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "预案任务"
        verbose_name_plural = "预案任务"
        ordering = ["incident", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "key"], name="command_task_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.title}"

    @property
    def citation(self) -> Citation:
        return Citation(self.document, self.clause, self.text)


class SampleStep(models.Model):
    """One lab of the confirmation chain (2号 3.3.3): sent, received, result, in that order."""

    incident = models.ForeignKey(
        Incident, verbose_name="事件", on_delete=models.CASCADE, related_name="samples"
    )
    step = models.PositiveSmallIntegerField("环节")
    lab = models.CharField("认定机构", max_length=64)
    sent_at = models.DateTimeField("送样时间", null=True, blank=True)
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    result_at = models.DateTimeField("结果时间", null=True, blank=True)
    result = models.CharField("结果", max_length=16, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "样品确认"
        verbose_name_plural = "样品确认"
        ordering = ["incident", "step"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "step"], name="command_sample_unique")
        ]

    def __str__(self) -> str:
        return f"{self.incident} · {self.lab}"


class Compensation(models.Model):
    """A compensation line (2号 5.2): what was culled, destroyed or requisitioned, whose, how much."""

    incident = models.ForeignKey(
        Incident, verbose_name="事件", on_delete=models.CASCADE, related_name="compensations"
    )
    kind = models.CharField("类别", max_length=32)
    item = models.CharField("物品", max_length=128)
    owner = models.CharField("所有人", max_length=128)
    quantity = models.DecimalField("数量", max_digits=16, decimal_places=3)
    unit = models.CharField("单位", max_length=16)
    amount = models.DecimalField("补偿金额(元)", max_digits=16, decimal_places=2)
    basis = models.TextField("补偿依据")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "补偿记录"
        verbose_name_plural = "补偿记录"
        ordering = ["incident", "pk"]

    def __str__(self) -> str:
        return f"{self.owner} · {self.item} · {self.amount}"


class Assessment(models.Model):
    """The after-incident assessment/investigation report (2号 5.1; 7号 6.2), saved as typed."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        FILED = "filed", "已报送"

    incident = models.OneToOneField(
        Incident, verbose_name="事件", on_delete=models.CASCADE, related_name="assessment"
    )
    plan = models.CharField("预案", max_length=64)
    content = models.JSONField("各部分内容", default=dict, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.DRAFT)
    filed_at = models.DateTimeField("报送时间", null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("保存时间")

    class Meta:
        verbose_name = "事后评估报告"
        verbose_name_plural = "事后评估报告"

    def __str__(self) -> str:
        return f"{self.incident} · 评估报告"
