"""Tables of the relics census: the register, files, re-examinations, damage cases, quality issues."""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models

from chengqu.relics import (
    Category,
    DamageCause,
    LeadStage,
    PreservationState,
    ProtectionLevel,
    ReexamOutcome,
    label_of,
)
from portal.accounts.models import Department


def _choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(m.value, label_of(m)) for m in enum]


class Relic(models.Model):
    """One immovable relic (or a new lead on its way to becoming one), with the census contents of 三(二)."""

    class Origin(models.TextChoices):
        REGISTERED = "registered", "已登记文物 (复查)"
        NEW = "new", "新发现线索"

    code = models.CharField("普查编号", max_length=32, unique=True)
    name = models.CharField("名称", max_length=128)
    department = models.ForeignKey(
        Department, verbose_name="所在镇(街道)", on_delete=models.PROTECT, related_name="relics"
    )
    address = models.CharField("地址", max_length=255, blank=True)
    longitude = models.DecimalField("经度", max_digits=10, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    datum = models.CharField("坐标系", max_length=16, default="CGCS2000")
    elevation = models.DecimalField(
        "海拔(米)", max_digits=7, decimal_places=1, null=True, blank=True
    )
    level = models.CharField(
        "保护级别", max_length=16, choices=_choices(ProtectionLevel), blank=True
    )
    category = models.CharField("文物类别", max_length=16, choices=_choices(Category), blank=True)
    era = models.CharField("年代", max_length=64, blank=True)
    ownership = models.CharField("权属", max_length=64, blank=True)
    use = models.CharField("使用情况", max_length=128, blank=True)
    state = models.CharField(
        "保存状况", max_length=16, choices=_choices(PreservationState), blank=True
    )
    managing_body = models.CharField("管理机构", max_length=128, blank=True)
    sensitive = models.BooleanField("涉密/易盗掘 (不公开坐标)", default=False)
    origin = models.CharField(
        "来源", max_length=16, choices=Origin.choices, default=Origin.REGISTERED
    )
    stage = models.CharField(
        "状态", max_length=16, choices=_choices(LeadStage), default=LeadStage.REGISTERED.value
    )
    as_of = models.DateField("数据时点")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="认定专家",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_note = models.TextField("认定意见", blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    # name, code, address and era in lower case, one column so a search is one LIKE per row;
    # written by the services (search_text_of) whenever those fields change.
    search_text = models.TextField("检索文本", blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "不可移动文物"
        verbose_name_plural = "不可移动文物"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["department", "stage"]),
            models.Index(fields=["stage", "code"]),
            models.Index(fields=["department", "code"]),
            models.Index(fields=["stage", "category", "level"]),
            models.Index(fields=["category", "level"]),
            models.Index(fields=["name"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RelicFile(models.Model):
    """A photograph or drawing of a relic, stored under MEDIA_ROOT/relics/."""

    class Kind(models.TextChoices):
        PHOTO = "photo", "照片"
        DRAWING = "drawing", "图纸"

    relic = models.ForeignKey(
        Relic, verbose_name="文物", on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    file = models.FileField("文件", upload_to="relics/%Y/%m/")
    format = models.CharField("格式", max_length=8)
    size = models.PositiveIntegerField("大小(字节)")
    caption = models.CharField("说明", max_length=128, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "照片/图纸"
        verbose_name_plural = "照片/图纸"
        ordering = ["relic", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.relic.code} {self.get_kind_display()} {self.pk}"


class Reexamination(models.Model):
    """The 复查 of a registered relic: found as recorded, changed, damaged or lost."""

    relic = models.ForeignKey(
        Relic, verbose_name="文物", on_delete=models.CASCADE, related_name="reexaminations"
    )
    outcome = models.CharField("复查结果", max_length=16, choices=_choices(ReexamOutcome))
    cause = models.CharField("损毁原因", max_length=16, choices=_choices(DamageCause), blank=True)
    changes = models.TextField("变化情况", blank=True)
    examined_on = models.DateField("复查日期")
    examined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="复查人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "复查记录"
        verbose_name_plural = "复查记录"
        ordering = ["-examined_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.relic.code} {self.get_outcome_display()}"


class DamageCase(models.Model):
    """A case for investigation opened when a registered relic is found damaged by people or neglect (五(一))."""

    class Status(models.TextChoices):
        OPEN = "open", "调查处理中"
        CLOSED = "closed", "已办结"

    relic = models.ForeignKey(
        Relic, verbose_name="文物", on_delete=models.PROTECT, related_name="cases"
    )
    reexamination = models.OneToOneField(
        Reexamination, verbose_name="复查记录", on_delete=models.PROTECT, related_name="case"
    )
    cause = models.CharField("原因", max_length=16, choices=_choices(DamageCause))
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField("立案时间")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    outcome = models.TextField("处理结果", blank=True)

    class Meta:
        verbose_name = "文物损毁案件"
        verbose_name_plural = "文物损毁案件"
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.relic.code} {self.get_status_display()}"


class QualityIssue(models.Model):
    """A finding of the quality checks (五(五)); open issues block publication."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        RESOLVED = "resolved", "已纠正"
        ACCEPTED = "accepted", "专家确认无误"

    relic = models.ForeignKey(
        Relic, verbose_name="文物", on_delete=models.CASCADE, related_name="issues"
    )
    code = models.CharField("检查项", max_length=64)
    severity = models.CharField("严重程度", max_length=8)
    message = models.CharField("说明", max_length=255)
    field = models.CharField("字段", max_length=32, blank=True)
    clause = models.CharField("条款", max_length=64)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField("发现时间")
    closed_at = models.DateTimeField("处理时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("处理意见", max_length=255, blank=True)

    class Meta:
        verbose_name = "质量问题"
        verbose_name_plural = "质量问题"
        ordering = ["relic", "code"]
        indexes = [models.Index(fields=["status", "relic"])]

    def __str__(self) -> str:
        return f"{self.relic.code} {self.message}"
