"""Tables of the incentives module: batch runs (免申即享) with their per-enterprise results,
claims (申报 → 审核 → 审批 → 兑现) with their documents, and the ledger of what was paid.

Tables only: every write goes through ``services.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.accounts.models import Department


class BatchRun(models.Model):
    """One upload of a statistics export evaluated against the sixteen measures.

    Kept whole (who, when, the file's SHA-256, the date evaluated at, results and row errors) so
    the 免申即享 list published from it can be audited later.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="上传单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间")
    file_name = models.CharField("文件名", max_length=255)
    file_sha256 = models.CharField("文件SHA-256", max_length=64)
    as_of = models.DateField("测算日期")
    row_count = models.PositiveIntegerField("记录数")
    good_count = models.PositiveIntegerField("测算成功")
    error_count = models.PositiveIntegerField("错误行数")
    qualified_count = models.PositiveIntegerField("免申即享企业数")
    total = models.DecimalField("奖励合计(元)", max_digits=15, decimal_places=2)
    summary = models.JSONField("分措施汇总", default=list)
    errors = models.JSONField("错误行", default=list)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "免申即享批量测算"
        verbose_name_plural = "免申即享批量测算"
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"批量测算 #{self.pk} {self.file_name}"

    @property
    def published(self) -> bool:
        return self.published_at is not None


class BatchResult(models.Model):
    """One enterprise's evaluation in a batch (a good row)."""

    batch = models.ForeignKey(
        BatchRun, verbose_name="批次", on_delete=models.CASCADE, related_name="results"
    )
    index = models.PositiveIntegerField("序号")
    line = models.PositiveIntegerField("文件行号", null=True, blank=True)
    enterprise_id = models.CharField("企业标识", max_length=128)
    enterprise_name = models.CharField("企业名称", max_length=255, blank=True)
    total = models.DecimalField("奖励合计(元)", max_digits=15, decimal_places=2)
    award_count = models.PositiveSmallIntegerField("奖励项数")
    result = models.JSONField("测算结果")

    class Meta:
        verbose_name = "批量测算结果"
        verbose_name_plural = "批量测算结果"
        ordering = ["batch", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "enterprise_id"], name="incentives_batch_result_unique_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.total}"


class Claim(models.Model):
    """An enterprise's application (申报) for one measure, and where it stands."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已申报(待牵头单位审核)"
        REVIEWED = "reviewed", "牵头单位已审核(待区政府审批)"
        APPROVED = "approved", "区政府已审批(待兑现)"
        PAID = "paid", "已兑现"
        REJECTED = "rejected", "未通过"

    enterprise = models.ForeignKey(
        Department,
        verbose_name="申报企业",
        on_delete=models.PROTECT,
        related_name="incentive_claims",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申报人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("申报时间")
    as_of = models.DateField("测算日期")
    measure = models.PositiveSmallIntegerField("措施(条)")
    measure_title = models.CharField("措施名称", max_length=128)
    one_off = models.BooleanField("一次性奖励")
    lead_unit = models.CharField("牵头单位", max_length=128)
    tier = models.CharField("档次", max_length=128)
    facts = models.JSONField("申报数据")
    evaluation = models.JSONField("测算结果")
    computed_amount = models.DecimalField("测算金额(元)", max_digits=15, decimal_places=2)

    class Source(models.TextChoices):
        APPLICATION = "application", "企业申报"
        BATCH = "batch", "免申即享"

    source = models.CharField(
        "来源", max_length=16, choices=Source.choices, default=Source.APPLICATION
    )
    batch_result = models.ForeignKey(
        BatchResult,
        verbose_name="免申即享测算结果",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)
    approved_amount = models.DecimalField(
        "核定金额(元)", null=True, blank=True, max_digits=15, decimal_places=2
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    approval_note = models.TextField("审批意见", blank=True)
    rejected_at = models.DateTimeField("退回时间", null=True, blank=True)

    class Meta:
        verbose_name = "奖励申报"
        verbose_name_plural = "奖励申报"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(computed_amount__gt=0), name="incentives_claim_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0),
                name="incentives_claim_approved_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} 第{self.measure}条申报 #{self.pk}"


class ClaimDocument(models.Model):
    """A supporting document attached to a claim (证明材料), kept with its SHA-256."""

    claim = models.ForeignKey(
        Claim, verbose_name="申报", on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField("文件", upload_to="incentives/claims/%Y/%m/")
    name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("大小(字节)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "申报材料"
        verbose_name_plural = "申报材料"
        ordering = ["claim", "pk"]

    def __str__(self) -> str:
        return self.name


class Payment(models.Model):
    """The ledger: one row per claim paid (兑现). Appended, never changed.

    A one-off measure (一次性奖励) is paid to an enterprise at most once: a partial unique index,
    so two concurrent payments cannot both succeed.
    """

    claim = models.OneToOneField(
        Claim, verbose_name="申报", on_delete=models.PROTECT, related_name="payment"
    )
    enterprise = models.ForeignKey(
        Department, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    measure = models.PositiveSmallIntegerField("措施(条)")
    one_off = models.BooleanField("一次性奖励")
    amount = models.DecimalField("兑现金额(元)", max_digits=15, decimal_places=2)
    paid_at = models.DateTimeField("兑现时间")
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField("凭证号", max_length=64)

    class Meta:
        verbose_name = "兑现台账"
        verbose_name_plural = "兑现台账"
        ordering = ["paid_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "measure"],
                condition=Q(one_off=True),
                name="incentives_one_off_paid_once",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="incentives_payment_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} 第{self.measure}条 {self.amount}元"


class ClaimsWindow(models.Model):
    """The claim period's close date set by an administrator; the latest row is in force.

    The gazette fixes no date by which claims must be made (the lead units' 申报细则 do), so the
    rule table carries an assumed one (`[claims] close`). An administrator records the date the
    细则 actually set, with its basis; rows are appended, never changed, and each is audited.
    """

    close = models.DateField("申报截止日")
    basis = models.CharField("依据", max_length=255)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = "申报期设置"
        verbose_name_plural = "申报期设置"
        ordering = ["-set_at", "-pk"]

    def __str__(self) -> str:
        return f"申报截止日 {self.close.isoformat()} ({self.basis})"
