"""Tables of the heavy-pollution warning module (城政办发〔2024〕1号 3.2–5, 4.3–4.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.accounts.models import Department, Position

LEVELS = [("none", "无预警"), ("yellow", "黄色预警"), ("orange", "橙色预警"), ("red", "红色预警")]
RESPONSES = [("III", "Ⅲ级"), ("II", "Ⅱ级"), ("I", "Ⅰ级")]


class HqPost(models.Model):
    """A post on the district headquarters (2.1): the 指挥长 or a 副指挥长, by position, not person."""

    class Kind(models.TextChoices):
        COMMANDER = "commander", "指挥长"
        DEPUTY = "deputy", "副指挥长"

    position = models.OneToOneField(
        Position, verbose_name="岗位", on_delete=models.PROTECT, related_name="air_hq_post"
    )
    kind = models.CharField("职务", max_length=16, choices=Kind.choices)
    duty = models.CharField("预案中的表述", max_length=128)
    authorised = models.BooleanField("经指挥长授权审批橙色、红色预警", default=False)

    class Meta:
        verbose_name = "区重污染天气应急指挥部岗位"
        verbose_name_plural = "区重污染天气应急指挥部岗位"
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="commander"), name="air_one_commander_post"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.position}"


class MemberUnit(models.Model):
    """A member unit of the headquarters (2.1); ``department`` links it to the unit's accounts."""

    name = models.CharField("成员单位", max_length=128, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name="对应单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="air_memberships",
    )
    order = models.PositiveIntegerField("顺序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "指挥部成员单位"
        verbose_name_plural = "指挥部成员单位"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class WarningEpisode(models.Model):
    """One warning from its first draft to its release: the levels it passes through are its decisions."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待发布"
        ACTIVE = "active", "预警中"
        RELEASED = "released", "已解除"
        CANCELLED = "cancelled", "未发布(已撤销)"

    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    # True while the episode is a draft or in force: at most one such row (a database guarantee).
    is_open = models.BooleanField("未结束", default=True)
    episode = models.CharField(
        "首要污染物", max_length=8, choices=[("pm25", "细颗粒物(PM2.5)"), ("o3", "臭氧(O3)")]
    )
    level = models.CharField("现行预警级别", max_length=8, choices=LEVELS, default="none")
    started_at = models.DateTimeField("发布时间", null=True, blank=True)
    released_at = models.DateTimeField("解除时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间")
    evaluation = models.TextField("应对效果评估(办公室汇总)", blank=True)
    evaluated_at = models.DateTimeField("评估时间", null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评估人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "重污染天气预警过程"
        verbose_name_plural = "重污染天气预警过程"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_open"], condition=Q(is_open=True), name="air_one_open_episode"
            ),
        ]

    def __str__(self) -> str:
        return f"预警过程 #{self.pk} ({self.get_status_display()})"


class WarningDecision(models.Model):
    """A decision within an episode: issue, upgrade, downgrade or release, from draft to publication."""

    class Action(models.TextChoices):
        ISSUE = "issue", "发布"
        UPGRADE = "upgrade", "升级"
        DOWNGRADE = "downgrade", "降级"
        RELEASE = "release", "解除"

    class Status(models.TextChoices):
        DRAFT = "draft", "待审批"
        APPROVED = "approved", "已批准"
        PUBLISHED = "published", "已发布"
        REJECTED = "rejected", "未批准"

    episode = models.ForeignKey(
        WarningEpisode, verbose_name="预警过程", on_delete=models.PROTECT, related_name="decisions"
    )
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    level = models.CharField("预警级别", max_length=8, choices=LEVELS)
    previous_level = models.CharField("原预警级别", max_length=8, choices=LEVELS)
    response = models.CharField("响应级别", max_length=4, choices=RESPONSES, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    forecast = models.JSONField("预测数据", default=dict)
    result = models.JSONField("研判结果", default=dict)
    note = models.TextField("说明(时间、范围、污染程度、气象条件等)", blank=True)
    drafted_at = models.DateTimeField("填报时间")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver_post = models.CharField("批准人岗位", max_length=160, blank=True)
    approval_opinion = models.TextField("审批意见", blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "预警发布(调整、解除)决定"
        verbose_name_plural = "预警发布(调整、解除)决定"
        ordering = ["-drafted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_action_display()} #{self.pk}"


class Acknowledgement(models.Model):
    """A member unit's receipt of a published decision and its notice to enterprises (3.2: 2 hours)."""

    decision = models.ForeignKey(
        WarningDecision,
        verbose_name="预警决定",
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    member = models.ForeignKey(
        MemberUnit,
        verbose_name="成员单位",
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notified_at = models.DateTimeField("通知企事业单位时间", null=True, blank=True)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="通知登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notified_count = models.PositiveIntegerField("通知企事业单位数", null=True, blank=True)
    note = models.CharField("备注", max_length=255, blank=True)

    class Meta:
        verbose_name = "成员单位签收"
        verbose_name_plural = "成员单位签收"
        ordering = ["decision", "member__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "member"], name="air_ack_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.decision}"


class InfoReport(models.Model):
    """A report after an issue, change or release (4.5), or the notice of a yellow approval to the 指挥长 (3.2)."""

    decision = models.ForeignKey(
        WarningDecision, verbose_name="预警决定", on_delete=models.PROTECT, related_name="reports"
    )
    recipient = models.CharField("报送对象", max_length=64)
    content = models.TextField("报告内容")
    clause = models.CharField("依据条款", max_length=16)
    sent_at = models.DateTimeField("报送时间", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "信息报告"
        verbose_name_plural = "信息报告"
        ordering = ["decision", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "recipient"], name="air_report_once_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"报{self.recipient} · {self.decision}"


class CapMessage(models.Model):
    """The CAP 1.2 alert emitted when a decision is published (Alert / Update / Cancel)."""

    decision = models.OneToOneField(
        WarningDecision, verbose_name="预警决定", on_delete=models.PROTECT, related_name="cap"
    )
    identifier = models.CharField("标识", max_length=31, unique=True)
    msg_type = models.CharField("消息类型", max_length=8)
    sent = models.DateTimeField("发送时间")
    references = models.TextField("引用", blank=True)
    xml = models.TextField("CAP 1.2 XML")

    class Meta:
        verbose_name = "CAP 预警消息"
        verbose_name_plural = "CAP 预警消息"
        ordering = ["-sent", "-pk"]

    def __str__(self) -> str:
        return self.identifier


class DutyShift(models.Model):
    """24-hour duty during a response (6.1): who is on duty for a member unit, from when to when."""

    episode = models.ForeignKey(
        WarningEpisode,
        verbose_name="预警过程",
        on_delete=models.PROTECT,
        related_name="duty_shifts",
    )
    member = models.ForeignKey(
        MemberUnit, verbose_name="成员单位", on_delete=models.PROTECT, related_name="duty_shifts"
    )
    person = models.CharField("值班人员", max_length=64)
    phone = models.CharField("联系电话", max_length=32)
    starts = models.DateTimeField("开始")
    ends = models.DateTimeField("结束")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "应急值班"
        verbose_name_plural = "应急值班"
        ordering = ["episode", "member__order", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="air_duty_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.person}"


class UnitSummary(models.Model):
    """A member unit's summary of the measures it took, after the response ended (5)."""

    episode = models.ForeignKey(
        WarningEpisode, verbose_name="预警过程", on_delete=models.PROTECT, related_name="summaries"
    )
    member = models.ForeignKey(
        MemberUnit, verbose_name="成员单位", on_delete=models.PROTECT, related_name="summaries"
    )
    text = models.TextField("措施落实总结")
    submitted_at = models.DateTimeField("报送时间")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "成员单位总结"
        verbose_name_plural = "成员单位总结"
        ordering = ["episode", "member__order"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "member"], name="air_summary_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.episode}"


# ------------------------------------------------------------------ 应急减排清单 (4.3, 4.4)

_T = {"max_digits": 15, "decimal_places": 3, "default": 0}


class DistrictEmissions(models.Model):
    """The district-wide (全社会) annual emissions the 4.3 shares are measured against (tonnes)."""

    year = models.PositiveIntegerField("年度", unique=True)
    so2 = models.DecimalField(
        "二氧化硫(吨/年)", null=True, blank=True, max_digits=15, decimal_places=3
    )
    nox = models.DecimalField(
        "氮氧化物(吨/年)", null=True, blank=True, max_digits=15, decimal_places=3
    )
    pm = models.DecimalField(
        "颗粒物(吨/年)", null=True, blank=True, max_digits=15, decimal_places=3
    )
    vocs = models.DecimalField(
        "挥发性有机物(吨/年)", null=True, blank=True, max_digits=15, decimal_places=3
    )

    class Meta:
        verbose_name = "全区排放总量"
        verbose_name_plural = "全区排放总量"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年全区排放总量"


class ListEnterprise(models.Model):
    """An enterprise on a year's emission-reduction list, with its annual emissions (tonnes)."""

    year = models.PositiveIntegerField("年度")
    name = models.CharField("企业名称", max_length=128)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    industry = models.CharField("行业", max_length=64, blank=True)
    performance_class = models.CharField("绩效等级", max_length=16, blank=True)
    so2 = models.DecimalField("二氧化硫年排放量(吨)", **_T)  # type: ignore[arg-type]
    nox = models.DecimalField("氮氧化物年排放量(吨)", **_T)  # type: ignore[arg-type]
    pm = models.DecimalField("颗粒物年排放量(吨)", **_T)  # type: ignore[arg-type]
    vocs = models.DecimalField("挥发性有机物年排放量(吨)", **_T)  # type: ignore[arg-type]
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="企业账户所属单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="air_list_entries",
        limit_choices_to={"kind": "enterprise"},
        help_text="该单位的企业用户可查看本条清单及其应执行的措施; 导入时按统一社会信用代码与单位编码自动关联",
    )

    class Meta:
        verbose_name = "减排清单企业"
        verbose_name_plural = "减排清单企业"
        ordering = ["year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "credit_code"], name="air_list_enterprise_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class EnterpriseMeasure(models.Model):
    """What an enterprise does at one response level and the reduction it yields (tonnes/year rate)."""

    enterprise = models.ForeignKey(
        ListEnterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="measures"
    )
    response = models.CharField("响应级别", max_length=4, choices=RESPONSES)
    text = models.TextField("减排措施", blank=True)
    so2 = models.DecimalField("二氧化硫减排量(吨)", **_T)  # type: ignore[arg-type]
    nox = models.DecimalField("氮氧化物减排量(吨)", **_T)  # type: ignore[arg-type]
    pm = models.DecimalField("颗粒物减排量(吨)", **_T)  # type: ignore[arg-type]
    vocs = models.DecimalField("挥发性有机物减排量(吨)", **_T)  # type: ignore[arg-type]

    class Meta:
        verbose_name = "企业分级减排措施"
        verbose_name_plural = "企业分级减排措施"
        ordering = ["enterprise", "response"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "response"], name="air_measure_once_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_response_display()}"


class Exemption(models.Model):
    """An approved 4.4 exemption: the enterprise is spared its measures at the levels given."""

    class Clause(models.TextChoices):
        SHORT_WARNING = "4.4(5)", "4.4(5) 紧急发布的短时预警(报市环委办批准)"
        MICRO_EMITTER = "4.4(7)", "4.4(7) 微涉气企业"
        KEY_PROJECT = "4.4(8)", "4.4(8) 重点建设项目(经市级政府部门批准)"

    enterprise = models.ForeignKey(
        ListEnterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="exemptions"
    )
    clause = models.CharField("依据条款", max_length=8, choices=Clause.choices)
    responses = models.CharField("适用响应级别", max_length=16, help_text="逗号分隔: III,II,I")
    reason = models.TextField("理由")
    approved_by = models.CharField("批准机关", max_length=128)
    approval_ref = models.CharField("批准文号或记录", max_length=128)
    approved_on = models.DateField("批准日期")
    recorded_at = models.DateTimeField("登记时间")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    ground = models.CharField(
        "豁免类型",
        max_length=16,
        blank=True,
        help_text="4.4(7): micro 微涉气企业 / guarantee 保障类企业",
    )
    facts = models.JSONField(
        "核定事实", default=dict, blank=True, help_text="登记时据以核对豁免条件的事实"
    )

    class Meta:
        verbose_name = "减排豁免"
        verbose_name_plural = "减排豁免"
        ordering = ["enterprise", "pk"]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.clause}"

    def response_set(self) -> frozenset[str]:
        return frozenset(r.strip() for r in self.responses.split(",") if r.strip())
