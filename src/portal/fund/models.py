"""Tables of the bridge-loan fund: applications, their timeline, exclusions and the ledger.

The ledger is double entry and append-only: a transaction's legs carry positive amounts on a
debit or credit side and must balance; the database refuses an unbalanced seal, any change to a
sealed transaction and any update or delete of a leg (triggers in migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.accounts.models import Department


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送银行"
    SIGNED = "signed", "银行已签署"
    APPROVED = "approved", "承办主体审核通过"
    CONTRACTED = "contracted", "三方协议及借款合同已签订"
    DISBURSED = "disbursed", "已放款"
    RENEWED = "renewed", "银行已续贷"
    REPAID = "repaid", "已归还"
    ARCHIVED = "archived", "已归档"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"
    RECALLED = "recalled", "提前收回"
    BANK_LIABLE = "bank_liable", "由合作银行承担归还责任"


class Application(models.Model):
    """One request to use the fund to repay a maturing working-capital loan."""

    class EntityKind(models.TextChoices):
        ENTERPRISE = "enterprise", "企业"
        INDIVIDUAL = "individual", "个体工商户"

    class LoanKind(models.TextChoices):
        WORKING_CAPITAL = "working_capital", "流动资金贷款"
        PROJECT = "project", "项目贷款"
        OFF_BALANCE_SHEET = "off_balance_sheet", "表外融资"
        OTHER = "other", "其他业务"

    enterprise = models.ForeignKey(
        Department,
        verbose_name="市场主体",
        on_delete=models.PROTECT,
        related_name="fund_applications",
        limit_choices_to={"kind": "enterprise"},
    )
    bank = models.ForeignKey(
        Department,
        verbose_name="合作银行",
        on_delete=models.PROTECT,
        related_name="fund_bank_applications",
        limit_choices_to={"kind": "bank"},
    )
    entity_kind = models.CharField(
        "主体类型", max_length=16, choices=EntityKind.choices, default="enterprise"
    )
    loan_kind = models.CharField(
        "到期业务类型", max_length=24, choices=LoanKind.choices, default="working_capital"
    )
    industry = models.CharField("行业", max_length=64, blank=True)
    contact = models.CharField("联系人及电话", max_length=128, blank=True)
    loan_contract_no = models.CharField("到期贷款合同编号", max_length=64, blank=True)
    maturing_amount = models.DecimalField("到期贷款应还金额(元)", max_digits=15, decimal_places=2)
    maturity = models.DateField("贷款到期日")
    requested = models.DecimalField("申请使用金额(元)", max_digits=15, decimal_places=2)
    purpose = models.CharField("用途说明", max_length=255, blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT)
    # bank sign-off (第十五条)
    signed_on = models.DateField("银行签署日期", null=True, blank=True)
    bank_opinion = models.TextField("银行意见", blank=True)
    renewal_amount = models.DecimalField(
        "银行同意续贷金额(元)", null=True, blank=True, max_digits=15, decimal_places=2
    )
    application_documents = models.JSONField("第十五条资料", default=list, blank=True)
    # operator review (第十三条、第十四条、第十六条)
    facts = models.JSONField("审核事实", default=dict, blank=True)
    review_documents = models.JSONField("第十六条资料", default=list, blank=True)
    approved_amount = models.DecimalField(
        "核定使用金额(元)", null=True, blank=True, max_digits=15, decimal_places=2
    )
    planned_repayment = models.DateField("约定还款日期", null=True, blank=True)
    contract_signed_on = models.DateField("三方协议签订日期", null=True, blank=True)
    # money
    disbursed_on = models.DateField("放款日期", null=True, blank=True)
    renewed_on = models.DateField("续贷发放日期", null=True, blank=True)
    renewed_amount = models.DecimalField(
        "续贷金额(元)", null=True, blank=True, max_digits=15, decimal_places=2
    )
    repaid_on = models.DateField("归还日期", null=True, blank=True)
    fee = models.DecimalField("占用费(元)", null=True, blank=True, max_digits=15, decimal_places=2)
    fee_days = models.PositiveIntegerField("计费天数", null=True, blank=True)
    liability_amount = models.DecimalField(
        "银行应承担金额(元)", null=True, blank=True, max_digits=15, decimal_places=2
    )
    reason = models.TextField("退回、撤回或收回原因", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "周转资金申请"
        verbose_name_plural = "周转资金申请"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested__gt=0), name="fund_app_requested_positive"
            ),
            models.CheckConstraint(
                condition=Q(maturing_amount__gt=0), name="fund_app_maturing_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"周转资金申请 {self.number}"

    @property
    def number(self) -> str:
        return f"ZZ{self.pk:06d}" if self.pk else "ZZ(新)"

    @property
    def principal(self):  # type: ignore[no-untyped-def]
        return self.approved_amount if self.approved_amount is not None else self.requested


class ApplicationEvent(models.Model):
    """The timeline: every transition with who made it and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_state = models.CharField("原状态", max_length=16, blank=True, choices=State.choices)
    to_state = models.CharField("新状态", max_length=16, choices=State.choices)
    day = models.DateField("业务日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "申请进程"
        verbose_name_plural = "申请进程"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state or '新建'} → {self.to_state}"


class Exclusion(models.Model):
    """The list of market entities that may not apply (第十四条)."""

    enterprise = models.ForeignKey(
        Department, verbose_name="市场主体", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("原因", max_length=48)
    clause = models.CharField("条款", max_length=48)
    text = models.TextField("条文")
    since = models.DateField("记录日期")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("说明", blank=True)
    lifted_on = models.DateField("解除日期", null=True, blank=True)

    class Meta:
        verbose_name = "不得申报名单"
        verbose_name_plural = "不得申报名单"
        ordering = ["-since", "-pk"]

    def __str__(self) -> str:
        return f"{self.enterprise} ({self.clause})"


class Account(models.TextChoices):
    BANK = "bank", "专户存款"
    LOANS = "loans", "借出周转资金"
    CAPITAL = "capital", "实缴资金"
    FEE_INCOME = "fee_income", "占用费收入"
    INTEREST_INCOME = "interest_income", "利息收入"
    RESERVE = "reserve", "风险准备金"
    MANAGEMENT = "management", "管理性开支"
    RETURNED = "returned", "返还区财政"


class Side(models.TextChoices):
    DEBIT = "D", "借"
    CREDIT = "C", "贷"


class LedgerTransaction(models.Model):
    """One business event's balanced postings. ``key`` makes a retry post nothing new."""

    class Kind(models.TextChoices):
        CAPITAL = "capital", "实缴资金到位"
        DISBURSE = "disburse", "放款"
        REPAY = "repay", "归还本金及占用费"
        RESERVE = "reserve", "提取风险准备金"
        INTEREST = "interest", "专户利息"
        EXPENSE = "expense", "管理性开支"
        RETURN = "return", "终止返还区财政"
        REVERSAL = "reversal", "冲正"

    key = models.CharField("幂等键", max_length=128, unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    day = models.DateField("记账日期")
    memo = models.CharField("摘要", max_length=255, blank=True)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name="冲正对象",
    )
    sealed = models.BooleanField("已封账", default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记账人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("记账时间", auto_now_add=True)

    class Meta:
        verbose_name = "记账凭证"
        verbose_name_plural = "记账凭证"
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["day"], name="fund_tx_day")]

    def __str__(self) -> str:
        return f"凭证 {self.pk} {self.key}"


class LedgerLeg(models.Model):
    """One posting: a positive amount on one side of one account."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="legs"
    )
    account = models.CharField("科目", max_length=16, choices=Account.choices)
    side = models.CharField("方向", max_length=1, choices=Side.choices)
    amount = models.DecimalField("金额(元)", max_digits=15, decimal_places=2)

    class Meta:
        verbose_name = "分录"
        verbose_name_plural = "分录"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_leg_amount_positive"),
            models.CheckConstraint(condition=Q(side__in=["D", "C"]), name="fund_leg_side_valid"),
        ]
        indexes = [models.Index(fields=["account", "transaction"], name="fund_leg_account")]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.get_account_display()} {self.amount}"


class Balance(models.Model):
    """Each account's running balance (debit positive), kept under a row lock with every posting.

    ``chengqu fund reconcile`` recomputes these from the legs and reports any difference.
    """

    account = models.CharField("科目", max_length=16, choices=Account.choices, primary_key=True)
    amount = models.DecimalField("余额(元, 借方为正)", max_digits=15, decimal_places=2, default=0)

    class Meta:
        verbose_name = "科目余额"
        verbose_name_plural = "科目余额"
        constraints = [
            # the fund's cash can never be overdrawn
            models.CheckConstraint(
                condition=~Q(account="bank") | Q(amount__gte=0), name="fund_bank_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_account_display()} {self.amount}"


class FundDecision(models.Model):
    """The fund size the 区政府 decided (第七条: 暂定8000万元, 可适时调整)."""

    size = models.DecimalField("筹集规模(元)", max_digits=15, decimal_places=2)
    decided_on = models.DateField("决定日期")
    basis = models.CharField("依据", max_length=255)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "资金规模决定"
        verbose_name_plural = "资金规模决定"
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.size} 元 ({self.decided_on})"


class DailyTotal(models.Model):
    """Each day's debits and credits per account and kind of transaction, kept with every posting.

    Derived from the legs in the same database transaction (reports read it instead of scanning a
    million postings); ``chengqu fund reconcile`` recomputes it from the legs and reports any difference.
    """

    day = models.DateField("日期")
    account = models.CharField("科目", max_length=16, choices=Account.choices)
    kind = models.CharField("凭证类型", max_length=16, choices=LedgerTransaction.Kind.choices)
    debit = models.DecimalField("借方合计(元)", max_digits=17, decimal_places=2, default=0)
    credit = models.DecimalField("贷方合计(元)", max_digits=17, decimal_places=2, default=0)

    class Meta:
        verbose_name = "日汇总"
        verbose_name_plural = "日汇总"
        constraints = [
            models.UniqueConstraint(fields=["day", "account", "kind"], name="fund_daily_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.account} {self.kind}"
