"""Every write of the fund: the workflow of an application and the ledger postings it makes.

Each service is atomic and audited. Postings lock every balance row (SELECT … FOR UPDATE on
PostgreSQL; SQLite's IMMEDIATE transactions serialise writers) and check, under that lock, that
the fund's available balance stays at or above zero. A posting's idempotency key is unique in the
database: a retry returns the transaction already posted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from chengqu.common import DomainError, round_fen
from chengqu.fund import (
    Applicant,
    EntityKind,
    LoanKind,
    Stage,
    bank_liability,
    check_amount,
    check_eligibility,
    check_in_force,
    check_renewal,
    ensure_management_expense,
    ensure_signoff,
    missing_documents,
    quote_fee,
    recall_on_misuse,
)
from chengqu.fund import ledger as pure
from chengqu.fund.eligibility import FACT_NAMES
from chengqu.fund.terms import money
from portal.accounts.models import Department, User
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot
from portal.fund import access
from portal.fund.models import (
    Account,
    Application,
    ApplicationEvent,
    Balance,
    DailyTotal,
    Exclusion,
    FundDecision,
    LedgerLeg,
    LedgerTransaction,
    Side,
    State,
)

ZERO = Decimal("0.00")

# ---------------------------------------------------------------- the ledger


def _ensure_balances() -> None:
    Balance.objects.bulk_create(
        [Balance(account=a.value, amount=ZERO) for a in Account], ignore_conflicts=True
    )


def _locked_balances() -> dict[str, Decimal]:
    """Every account's balance, with its row locked until the transaction ends (fixed order)."""
    _ensure_balances()
    return {b.account: b.amount for b in Balance.objects.select_for_update().order_by("account")}


def available_of(totals: Mapping[str, Decimal]) -> Decimal:
    """Cash the fund can lend: cash less the risk reserve (a credit balance, so negative)."""
    return totals.get(Account.BANK, ZERO) + totals.get(Account.RESERVE, ZERO)


def post(
    *,
    actor: User | None,
    key: str,
    kind: str,
    day: date,
    postings: Iterable[tuple[str, Decimal]],
    memo: str = "",
    application: Application | None = None,
    reverses: LedgerTransaction | None = None,
) -> tuple[LedgerTransaction, bool]:
    """Post balanced signed amounts (debit +, credit −) once under ``key``. Returns (tx, created).

    Must run inside the caller's atomic block. Refuses (``fund.insufficient``) a posting that
    would leave the available balance below zero.
    """
    rows = [(str(account), round_fen(amount)) for account, amount in postings]
    pure.Transaction(key, day, tuple(pure.Posting(pure.Account(a), amt) for a, amt in rows), memo)
    totals = _locked_balances()
    existing = LedgerTransaction.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    delta: dict[str, Decimal] = {}
    for account, amount in rows:
        delta[account] = delta.get(account, ZERO) + amount
    before = available_of(totals)
    after_totals = {a: totals.get(a, ZERO) + delta.get(a, ZERO) for a in {*totals, *delta}}
    after = available_of(after_totals)
    if after < 0 and after < before:
        raise DomainError(
            "fund.insufficient",
            f"资金可用余额不足: 可用 {before} 元, 本笔需 {before - after} 元 (专户管理、封闭运行, 余额不得为负)",
            field="amount",
        )
    tx = LedgerTransaction.objects.create(
        key=key,
        kind=kind,
        day=day,
        memo=memo[:255],
        application=application,
        reverses=reverses,
        actor=actor,
    )
    LedgerLeg.objects.bulk_create(
        [
            LedgerLeg(
                transaction=tx,
                account=a,
                side=Side.DEBIT if amt > 0 else Side.CREDIT,
                amount=abs(amt),
            )
            for a, amt in rows
        ]
    )
    tx.sealed = True
    tx.save(update_fields=["sealed"])
    for account, amount in delta.items():
        if amount:
            Balance.objects.filter(account=account).update(amount=F("amount") + amount)
    _add_daily(day, kind, rows)
    audit_record(
        actor=actor,
        action=f"fund.ledger.{kind}",
        obj=tx,
        after={
            "key": key,
            "day": day,
            "memo": memo,
            "legs": [[a, f"{amt:.2f}"] for a, amt in rows],
        },
    )
    return tx, True


def _add_daily(day: date, kind: str, rows: list[tuple[str, Decimal]]) -> None:
    """Add the legs to the day's totals (serialised by the balance lock the caller holds)."""
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for account, amount in rows:
        debit, credit = sums.get(account, (ZERO, ZERO))
        sums[account] = (debit + max(amount, ZERO), credit + max(-amount, ZERO))
    for account, (debit, credit) in sums.items():
        row, _ = DailyTotal.objects.get_or_create(day=day, account=account, kind=kind)
        DailyTotal.objects.filter(pk=row.pk).update(
            debit=F("debit") + debit, credit=F("credit") + credit
        )


@transaction.atomic
def daily_totals_rebuild() -> int:
    """Recompute the daily totals from the legs (after a bulk load, or to repair); returns rows written."""
    from django.db.models import Sum

    _locked_balances()
    DailyTotal.objects.all().delete()
    rows = (
        LedgerLeg.objects.filter(transaction__sealed=True)
        .values("transaction__day", "account", "transaction__kind", "side")
        .annotate(total=Sum("amount"))
    )
    merged: dict[tuple[date, str, str], list[Decimal]] = {}
    for row in rows:
        key = (row["transaction__day"], row["account"], row["transaction__kind"])
        slot = merged.setdefault(key, [ZERO, ZERO])
        slot[0 if row["side"] == Side.DEBIT else 1] += Decimal(row["total"])
    DailyTotal.objects.bulk_create(
        [
            DailyTotal(day=d, account=a, kind=k, debit=v[0], credit=v[1])
            for (d, a, k), v in merged.items()
        ],
        batch_size=2000,
    )
    return len(merged)


def _pure_postings(tx: pure.Transaction) -> list[tuple[str, Decimal]]:
    return [(p.account.value, p.amount) for p in tx.postings]


def _need_ledger_writer(actor: User) -> None:
    access.ensure_writer(actor)
    access.require(
        access.is_operator(actor) or access.is_finance_office(actor),
        "只有承办主体或区金融办可以记账",
    )


@transaction.atomic
def capital_pay_in(
    *, actor: User, amount: Decimal | int | str, day: date, key: str, memo: str = ""
) -> LedgerTransaction:
    """区财政局 pays capital into the fund's account (第七条)."""
    _need_ledger_writer(actor)
    value = money(amount, "amount", "实缴资金")
    tx, _ = post(
        actor=actor,
        key=f"capital:{key}",
        kind=LedgerTransaction.Kind.CAPITAL,
        day=day,
        postings=[(Account.BANK, value), (Account.CAPITAL, -value)],
        memo=memo or "区财政实缴资金到位",
    )
    return tx


@transaction.atomic
def interest_post(
    *, actor: User, amount: Decimal | int | str, day: date, key: str
) -> LedgerTransaction:
    """Interest earned on the fund's account rolls into the fund (第十二条)."""
    _need_ledger_writer(actor)
    value = money(amount, "amount", "专户利息")
    tx, _ = post(
        actor=actor,
        key=f"interest:{key}",
        kind=LedgerTransaction.Kind.INTEREST,
        day=day,
        postings=[(Account.BANK, value), (Account.INTEREST_INCOME, -value)],
        memo="专户存储孳生利息",
    )
    return tx


def year_fee_income(year: int) -> Decimal:
    """The year's fee income: fees credited by repayments, less reversals of them."""
    rows = LedgerLeg.objects.filter(account=Account.FEE_INCOME, transaction__day__year=year)
    credited = sum((leg.amount for leg in rows.filter(side=Side.CREDIT)), ZERO)
    reversed_ = sum(
        (
            leg.amount
            for leg in rows.filter(
                side=Side.DEBIT, transaction__kind=LedgerTransaction.Kind.REVERSAL
            )
        ),
        ZERO,
    )
    return credited - reversed_


def year_management_spent(year: int) -> Decimal:
    rows = LedgerLeg.objects.filter(account=Account.MANAGEMENT, transaction__day__year=year)
    debit = sum((leg.amount for leg in rows.filter(side=Side.DEBIT)), ZERO)
    credit = sum((leg.amount for leg in rows.filter(side=Side.CREDIT)), ZERO)
    return debit - credit


@transaction.atomic
def expense_post(
    *, actor: User, amount: Decimal | int | str, day: date, key: str, memo: str
) -> LedgerTransaction:
    """A management expense, refused above 20% of the year's fee income (第十一条)."""
    _need_ledger_writer(actor)
    value = money(amount, "amount", "管理性开支")
    _locked_balances()  # serialise against other expenses before reading the year's totals
    if LedgerTransaction.objects.filter(key=f"expense:{key}").exists():
        return LedgerTransaction.objects.get(key=f"expense:{key}")
    ensure_management_expense(
        year_fee_income=year_fee_income(day.year),
        spent=year_management_spent(day.year),
        proposed=value,
    )
    tx, _ = post(
        actor=actor,
        key=f"expense:{key}",
        kind=LedgerTransaction.Kind.EXPENSE,
        day=day,
        postings=[(Account.MANAGEMENT, value), (Account.BANK, -value)],
        memo=memo or "管理性开支",
    )
    return tx


def charge_record(*, name: str) -> None:
    """No charge but the 占用费 exists (第十条): any other is refused before anything is written."""
    from chengqu.fund import check_charge

    check_charge(name)
    raise DomainError(
        "fund.charge_via_repayment", "占用费只能随归还本金一并计收, 不能单独记录", field="charge"
    )


REVERSIBLE = {
    LedgerTransaction.Kind.CAPITAL,
    LedgerTransaction.Kind.INTEREST,
    LedgerTransaction.Kind.EXPENSE,
}


@transaction.atomic
def transaction_reverse(
    *, actor: User, tx: LedgerTransaction, day: date, reason: str
) -> LedgerTransaction:
    """Correct a posting by an opposite one linked to it; the original is never changed."""
    _need_ledger_writer(actor)
    if not reason.strip():
        raise DomainError("fund.reason_required", "冲正必须说明原因", field="reason")
    if tx.kind not in REVERSIBLE:
        raise DomainError(
            "fund.not_reversible",
            "放款、还款及准备金凭证随申请流程产生, 不能单独冲正; 只能冲正实缴资金、利息和管理性开支",
            field="tx",
        )
    if LedgerTransaction.objects.filter(reverses=tx).exists():
        raise DomainError("fund.already_reversed", f"凭证 {tx.pk} 已冲正过", field="tx")
    legs = [
        (leg.account, leg.amount if leg.side == Side.CREDIT else -leg.amount)
        for leg in tx.legs.all()
    ]
    new, _ = post(
        actor=actor,
        key=f"reversal:{tx.key}",
        kind=LedgerTransaction.Kind.REVERSAL,
        day=day,
        postings=legs,
        memo=f"冲正凭证 {tx.pk}: {reason}",
        reverses=tx,
    )
    return new


@transaction.atomic
def fund_size_decide(
    *, actor: User, size_wan: Decimal | int | str, decided_on: date, basis: str
) -> FundDecision:
    """Record the 区政府's decision on the fund's size (第七条: 暂定8000万元, 可适时调整)."""
    access.ensure_writer(actor)
    access.require(access.is_finance_office(actor), "只有区金融办可以记录资金规模决定")
    size = money(Decimal(str(size_wan)) * 10000, "size", "筹集规模")
    decision = FundDecision.objects.create(size=size, decided_on=decided_on, basis=basis)
    audit_record(actor=actor, action="fund.size.decide", obj=decision, after=snapshot(decision))
    return decision


# ---------------------------------------------------------------- applications

FIELDS = (
    "enterprise",
    "bank",
    "entity_kind",
    "loan_kind",
    "industry",
    "contact",
    "loan_contract_no",
    "maturing_amount",
    "maturity",
    "requested",
    "purpose",
)


def _move(
    app: Application,
    *,
    actor: User,
    to: str,
    action: str,
    day: date | None = None,
    note: str = "",
    before: dict[str, Any] | None = None,
) -> Application:
    old = app.state
    app.state = to
    app.save()
    ApplicationEvent.objects.create(
        application=app, actor=actor, from_state=old, to_state=to, day=day, note=note
    )
    audit_record(
        actor=actor,
        action=f"fund.application.{action}",
        obj=app,
        before=before,
        after=snapshot(app),
    )
    return app


def _lock(app: Application) -> Application:
    return Application.objects.select_for_update().get(pk=app.pk)


def _expect(app: Application, *states: str) -> None:
    if app.state not in states:
        wanted = "、".join(State(s).label for s in states)
        raise DomainError(
            "fund.wrong_state",
            f"申请当前状态为“{State(app.state).label}”, 此操作只能在“{wanted}”时进行",
            field="state",
        )


def _as_enterprise(actor: User, app: Application | None = None) -> Department:
    access.ensure_writer(actor)
    unit = access.enterprise_of(actor)
    if has_admin(actor) and app is not None:
        return app.enterprise
    access.require(unit is not None, "只有企业用户可以填报申请")
    assert unit is not None
    access.require(app is None or app.enterprise_id == unit.pk, "只能办理本企业的申请")
    return unit


def _as_bank(actor: User, app: Application) -> None:
    access.ensure_writer(actor)
    if has_admin(actor):
        return
    unit = access.bank_of(actor)
    access.require(unit is not None and app.bank_id == unit.pk, "只有该申请的合作银行可以办理")


def _as_operator(actor: User) -> None:
    access.ensure_writer(actor)
    access.require(access.is_operator(actor), "只有应急周转资金承办主体可以办理")


def has_admin(actor: User) -> bool:
    from portal.accounts.roles import Role, has_role

    return has_role(actor, Role.ADMIN)


def _amount(value: object, field: str, label: str) -> Decimal:
    return money(value, field, label)


@transaction.atomic
def application_create(*, actor: User, data: Mapping[str, Any]) -> Application:
    """An enterprise drafts its application (《市场主体应急周转资金使用申请表》)."""
    unit = _as_enterprise(actor)
    bank = data.get("bank")
    if not isinstance(bank, Department):
        bank = Department.objects.filter(pk=bank).first() if bank else None
    if bank is None or bank.kind != Department.Kind.BANK:
        raise DomainError("fund.bank", "请选择合作银行", field="bank")
    maturity = data.get("maturity")
    if not isinstance(maturity, date):
        raise DomainError("fund.date", "请填写贷款到期日", field="maturity")
    try:
        entity_kind = EntityKind(data.get("entity_kind") or "enterprise").value
        loan_kind = LoanKind(data.get("loan_kind") or "working_capital").value
    except ValueError:
        raise DomainError(
            "fund.kind", "主体类型或到期业务类型不正确", field="entity_kind"
        ) from None
    app = Application(
        enterprise=unit,
        bank=bank,
        entity_kind=entity_kind,
        loan_kind=loan_kind,
        industry=str(data.get("industry") or "")[:64],
        contact=str(data.get("contact") or "")[:128],
        loan_contract_no=str(data.get("loan_contract_no") or "")[:64],
        maturing_amount=_amount(data.get("maturing_amount"), "maturing_amount", "到期贷款应还金额"),
        maturity=maturity,
        requested=_amount(data.get("requested"), "requested", "申请使用金额"),
        purpose=str(data.get("purpose") or "")[:255],
        created_by=actor,
    )
    if app.requested > app.maturing_amount:
        raise DomainError(
            "fund.amount",
            f"申请金额 {app.requested} 元超过到期贷款应还金额 {app.maturing_amount} 元",
            field="requested",
        )
    app.save()
    ApplicationEvent.objects.create(
        application=app, actor=actor, to_state=State.DRAFT, note="企业填写申请表"
    )
    audit_record(actor=actor, action="fund.application.create", obj=app, after=snapshot(app))
    return app


@transaction.atomic
def application_submit(*, actor: User, application: Application, day: date) -> Application:
    """The enterprise sends its application to its bank."""
    app = _lock(application)
    _as_enterprise(actor, app)
    _expect(app, State.DRAFT)
    check_in_force(day, field="day", act="报送日期")
    before = snapshot(app)
    return _move(
        app,
        actor=actor,
        to=State.SUBMITTED,
        action="submit",
        day=day,
        note=f"报送{app.bank.name}",
        before=before,
    )


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    app = _lock(application)
    _as_enterprise(actor, app)
    _expect(app, State.DRAFT, State.SUBMITTED, State.SIGNED)
    before = snapshot(app)
    app.reason = reason
    return _move(
        app,
        actor=actor,
        to=State.WITHDRAWN,
        action="withdraw",
        note=reason or "企业撤回",
        before=before,
    )


@transaction.atomic
def application_sign(
    *,
    actor: User,
    application: Application,
    signed_on: date,
    opinion: str,
    renewal_amount: Decimal | int | str,
    documents: Iterable[str],
) -> Application:
    """The bank signs its consent on the form at least 10 working days before maturity (第十五条)."""
    app = _lock(application)
    _as_bank(actor, app)
    _expect(app, State.SUBMITTED)
    check = ensure_signoff(signed_on, app.maturity)
    renewal = money(renewal_amount, "renewal_amount", "银行同意续贷金额")
    docs = sorted(set(documents))
    checklist = missing_documents(Stage.APPLICATION, EntityKind(app.entity_kind), docs)
    if not checklist.value.complete:
        raise DomainError(
            "fund.documents_missing",
            "第十五条资料不全, 缺少: " + "、".join(i.label for i in checklist.value.missing),
            field="documents",
        )
    if renewal < app.requested:
        raise DomainError(
            "fund.renewal_amount",
            f"同意续贷金额 {renewal} 元低于还款额 {app.requested} 元(第十五条(一): 不低于还款额)",
            field="renewal_amount",
        )
    before = snapshot(app)
    app.signed_on, app.bank_opinion, app.renewal_amount = signed_on, opinion, renewal
    app.application_documents = docs
    return _move(
        app,
        actor=actor,
        to=State.SIGNED,
        action="sign",
        day=signed_on,
        note=check.message,
        before=before,
    )


@transaction.atomic
def application_reject(*, actor: User, application: Application, reason: str) -> Application:
    """The bank declines (before signing) or the operator refuses (at review)."""
    app = _lock(application)
    if not reason.strip():
        raise DomainError("fund.reason_required", "请填写不予通过的理由", field="reason")
    if app.state == State.SUBMITTED:
        _as_bank(actor, app)
    else:
        _as_operator(actor)
        _expect(app, State.SIGNED, State.APPROVED)
    before = snapshot(app)
    app.reason = reason
    return _move(app, actor=actor, to=State.REJECTED, action="reject", note=reason, before=before)


def active_exclusions(enterprise: Department) -> list[Exclusion]:
    return list(Exclusion.objects.filter(enterprise=enterprise, lifted_on__isnull=True))


EXCLUSION_FACTS = {
    "on_closure_or_obsolete_capacity_list": "on_closure_or_obsolete_capacity_list",
    "defaulted_on_repayment": "defaulted_on_repayment",
    "owes_fees": "owes_fees",
    "misused_funds": "misused_funds",
}


def applicant_of(app: Application, facts: Mapping[str, Any] | None = None) -> Applicant:
    """The reviewer's facts, with the exclusion list overriding any fact it records (第十四条)."""
    given = dict(app.facts if facts is None else facts)
    values: dict[str, bool | None] = {}
    for name in FACT_NAMES:
        raw = given.get(name)
        values[name] = raw if isinstance(raw, bool) else None
    for item in active_exclusions(app.enterprise):
        fact = EXCLUSION_FACTS.get(item.reason)
        if fact:
            values[fact] = True
    return Applicant(kind=EntityKind(app.entity_kind), loan_kind=LoanKind(app.loan_kind), **values)


def fund_available() -> Decimal:
    _ensure_balances()
    return available_of({b.account: b.amount for b in Balance.objects.all()})


def assess(
    app: Application,
    *,
    facts: Mapping[str, Any] | None = None,
    documents: Iterable[str] | None = None,
    amount: Decimal | None = None,
) -> dict[str, Any]:
    """The operator review's checks without writing anything: eligibility, documents, amount."""
    eligibility = check_eligibility(applicant_of(app, facts))
    docs = list(app.review_documents if documents is None else documents)
    checklist = missing_documents(Stage.REVIEW, EntityKind(app.entity_kind), docs)
    principal = amount if amount is not None else app.principal
    amount_check = check_amount(
        requested=principal,
        maturing_due=app.maturing_amount,
        renewal_amount=app.renewal_amount if app.renewal_amount is not None else ZERO,
        available=max(ZERO, fund_available()),
    )
    return {
        "eligibility": eligibility,
        "documents": checklist,
        "amount": amount_check,
        "ok": eligibility.value.eligible and checklist.value.complete and amount_check.value.ok,
    }


@transaction.atomic
def application_review(
    *,
    actor: User,
    application: Application,
    day: date,
    facts: Mapping[str, Any],
    documents: Iterable[str],
    approved_amount: Decimal | int | str | None = None,
    planned_repayment: date | None = None,
) -> Application:
    """The operator approves: eligible (第十三条/第十四条), documents (第十六条), amount and balance."""
    _as_operator(actor)
    app = _lock(application)
    _expect(app, State.SIGNED)
    check_in_force(day, field="day", act="审核日期")
    amount = money(
        approved_amount if approved_amount not in (None, "") else app.requested,
        "approved_amount",
        "核定使用金额",
    )
    _locked_balances()
    docs = sorted(set(documents))
    result = assess(app, facts=facts, documents=docs, amount=amount)
    elig, checklist, amount_check = (
        result["eligibility"].value,
        result["documents"].value,
        result["amount"].value,
    )
    if not elig.eligible:
        messages = [f.message for f in elig.failures] + [f.message for f in elig.unknown]
        raise DomainError(
            "fund.ineligible", "不符合使用条件: " + "; ".join(messages), field="facts"
        )
    if not checklist.complete:
        raise DomainError(
            "fund.documents_missing",
            "第十六条资料不全, 缺少: " + "、".join(i.label for i in checklist.missing),
            field="documents",
        )
    if not amount_check.ok:
        raise DomainError("fund.amount", "; ".join(amount_check.problems), field="approved_amount")
    if planned_repayment is not None and planned_repayment < day:
        raise DomainError("fund.date", "约定还款日期不能早于审核日期", field="planned_repayment")
    before = snapshot(app)
    app.facts = {k: v for k, v in facts.items() if k in FACT_NAMES and isinstance(v, bool)}
    app.review_documents = docs
    app.approved_amount = amount
    app.planned_repayment = planned_repayment
    return _move(
        app,
        actor=actor,
        to=State.APPROVED,
        action="review",
        day=day,
        note=f"审核通过, 核定使用金额 {amount} 元",
        before=before,
    )


@transaction.atomic
def application_contract(*, actor: User, application: Application, signed_on: date) -> Application:
    """The tripartite agreement and loan contract are signed (第十六条)."""
    _as_operator(actor)
    app = _lock(application)
    _expect(app, State.APPROVED)
    check_in_force(signed_on, field="signed_on", act="协议签订日期")
    before = snapshot(app)
    app.contract_signed_on = signed_on
    return _move(
        app,
        actor=actor,
        to=State.CONTRACTED,
        action="contract",
        day=signed_on,
        note="签订三方协议书及借款合同",
        before=before,
    )


@transaction.atomic
def application_disburse(*, actor: User, application: Application, day: date) -> Application:
    """Lend the approved amount to the bank's repayment account; refused if the balance cannot cover it."""
    _as_operator(actor)
    app = _lock(application)
    if (
        app.state == State.DISBURSED
        and LedgerTransaction.objects.filter(key=f"loan-{app.pk}:disburse").exists()
    ):
        return app  # a retried request: posted once already
    _expect(app, State.CONTRACTED)
    check_in_force(day, field="day", act="放款日期")
    if app.contract_signed_on and day < app.contract_signed_on:
        raise DomainError("fund.date", "放款日期不能早于三方协议签订日期", field="day")
    principal = app.principal
    post(
        actor=actor,
        key=f"loan-{app.pk}:disburse",
        kind=LedgerTransaction.Kind.DISBURSE,
        day=day,
        postings=_pure_postings(pure.disbursement(f"loan-{app.pk}:disburse", day, principal)),
        memo=f"{app.number} 放款 {app.enterprise.name}",
        application=app,
    )
    before = snapshot(app)
    app.disbursed_on = day
    return _move(
        app,
        actor=actor,
        to=State.DISBURSED,
        action="disburse",
        day=day,
        note=f"放款 {principal} 元至{app.bank.name}",
        before=before,
    )


@transaction.atomic
def application_renew(
    *, actor: User, application: Application, renewed_on: date, amount: Decimal | int | str
) -> Application:
    """The bank reports the new loan (第十七条: within 5 days, at most 20)."""
    app = _lock(application)
    _as_bank(actor, app)
    _expect(app, State.DISBURSED)
    assert app.disbursed_on is not None
    value = money(amount, "amount", "续贷金额")
    check = check_renewal(received=app.disbursed_on, renewed_on=renewed_on, on=renewed_on)
    before = snapshot(app)
    app.renewed_on, app.renewed_amount = renewed_on, value
    note = "; ".join(check.notes)
    if value < app.principal:
        note += f"; 续贷金额 {value} 元低于还款额 {app.principal} 元, 未足额续贷"
    return _move(
        app, actor=actor, to=State.RENEWED, action="renew", day=renewed_on, note=note, before=before
    )


@transaction.atomic
def application_repay(*, actor: User, application: Application, repaid_on: date) -> Application:
    """Principal plus the 占用费 come back (第十八条、第十条); the reserve takes its share (第二十五条)."""
    _as_operator(actor)
    app = _lock(application)
    if (
        app.state == State.REPAID
        and LedgerTransaction.objects.filter(key=f"loan-{app.pk}:repay").exists()
    ):
        return app
    _expect(app, State.DISBURSED, State.RENEWED, State.RECALLED, State.BANK_LIABLE)
    assert app.disbursed_on is not None
    quote = quote_fee(principal=app.principal, disbursed=app.disbursed_on, repaid=repaid_on)
    key = f"loan-{app.pk}:repay"
    post(
        actor=actor,
        key=key,
        kind=LedgerTransaction.Kind.REPAY,
        day=repaid_on,
        postings=_pure_postings(pure.repayment(key, quote)),
        memo=f"{app.number} 归还本金 {quote.principal} 元及占用费 {quote.fee} 元",
        application=app,
    )
    if quote.fee:
        totals = _locked_balances()
        signed = {pure.Account(a): amt for a, amt in totals.items()}
        allocation = pure.reserve_allocation(f"loan-{app.pk}:reserve", repaid_on, quote.fee, signed)
        if allocation.value is not None:
            post(
                actor=actor,
                key=allocation.value.key,
                kind=LedgerTransaction.Kind.RESERVE,
                day=repaid_on,
                postings=_pure_postings(allocation.value),
                memo=f"{app.number} 提取风险准备金",
                application=app,
            )
    before = snapshot(app)
    payer = "合作银行代为归还" if app.state == State.BANK_LIABLE else "归还"
    app.repaid_on, app.fee, app.fee_days = repaid_on, quote.fee, quote.days
    return _move(
        app,
        actor=actor,
        to=State.REPAID,
        action="repay",
        day=repaid_on,
        note=f"{payer}本金 {quote.principal} 元、占用费 {quote.fee} 元({quote.days} 日)",
        before=before,
    )


@transaction.atomic
def application_recall(
    *, actor: User, application: Application, found: date, note: str = ""
) -> Application:
    """Misuse: recall early and write the borrower into the exclusion list (第二十三条、第十四条(三))."""
    access.ensure_writer(actor)
    access.require(
        access.is_operator(actor) or access.is_finance_office(actor),
        "只有承办主体或区金融办可以提前收回",
    )
    app = _lock(application)
    _expect(app, State.DISBURSED, State.RENEWED)
    assert app.disbursed_on is not None
    recall = recall_on_misuse(principal=app.principal, disbursed=app.disbursed_on, found=found)
    record = Exclusion.objects.create(
        enterprise=app.enterprise,
        reason=recall.exclusion.reason,
        clause=recall.exclusion.clause,
        text=recall.exclusion.text,
        since=recall.exclusion.since,
        application=app,
        note=note,
    )
    audit_record(actor=actor, action="fund.exclusion.create", obj=record, after=snapshot(record))
    before = snapshot(app)
    app.reason = note
    return _move(
        app,
        actor=actor,
        to=State.RECALLED,
        action="recall",
        day=found,
        note="; ".join(recall.notes),
        before=before,
    )


@transaction.atomic
def application_bank_liable(*, actor: User, application: Application, on: date) -> Application:
    """The bank did not renew on time and in full: it repays the bridge itself (第二十四条)."""
    _as_operator(actor)
    app = _lock(application)
    _expect(app, State.DISBURSED, State.RENEWED)
    assert app.disbursed_on is not None
    result = bank_liability(
        principal=app.principal,
        disbursed=app.disbursed_on,
        bank_agreed=True,
        borrower_qualified=True,
        renewed_on=app.renewed_on,
        renewed_amount=app.renewed_amount or ZERO,
        repaid=ZERO,
        on=on,
    )
    if not result.liable:
        raise DomainError(
            "fund.not_liable", "不适用第二十四条: " + "; ".join(result.reasons), field="on"
        )
    before = snapshot(app)
    app.liability_amount = result.amount
    return _move(
        app,
        actor=actor,
        to=State.BANK_LIABLE,
        action="bank_liable",
        day=on,
        note="; ".join((*result.reasons, *result.notes)),
        before=before,
    )


@transaction.atomic
def application_archive(*, actor: User, application: Application) -> Application:
    _as_operator(actor)
    app = _lock(application)
    _expect(app, State.REPAID)
    before = snapshot(app)
    return _move(app, actor=actor, to=State.ARCHIVED, action="archive", note="归档", before=before)


EXCLUSION_REASONS = {
    "on_closure_or_obsolete_capacity_list": ("art_14__subpara_1", "列入环保关停及淘汰落后产能名单"),
    "defaulted_on_repayment": ("art_14__subpara_2", "不履行还款责任"),
    "owes_fees": ("art_14__subpara_2", "拖欠资金占用费"),
    "misused_funds": ("art_14__subpara_3", "不按规定用途使用应急周转资金"),
}


@transaction.atomic
def exclusion_record(
    *, actor: User, enterprise: Department, reason: str, since: date, note: str = ""
) -> Exclusion:
    """Write a market entity into the list of those who may not apply (第十四条)."""
    access.ensure_writer(actor)
    access.require(
        access.is_operator(actor) or access.is_finance_office(actor),
        "只有承办主体或区金融办可以记录",
    )
    if reason not in EXCLUSION_REASONS:
        raise DomainError("fund.exclusion_reason", f"未知的不得申报原因: {reason}", field="reason")
    if enterprise.kind != Department.Kind.ENTERPRISE:
        raise DomainError("fund.enterprise", "只能将企业记入不得申报名单", field="enterprise")
    from chengqu.fund import fund_rules

    clause, _label = EXCLUSION_REASONS[reason]
    text = next(item.text for item in fund_rules().exclusions if item.clause == clause)
    record = Exclusion.objects.create(
        enterprise=enterprise, reason=reason, clause=clause, text=text, since=since, note=note
    )
    audit_record(actor=actor, action="fund.exclusion.create", obj=record, after=snapshot(record))
    return record


@transaction.atomic
def fund_terminate(*, actor: User, day: date, approval: str) -> LedgerTransaction:
    """After the 区人民政府 approves termination, every yuan of the account goes back to 区财政 (第九条).

    Refused while any bridge loan is outstanding. The risk reserve is released (it was set aside
    from fee income) and the whole cash balance is returned in one balanced transaction.
    """
    access.ensure_writer(actor)
    access.require(access.is_finance_office(actor), "只有区金融办可以办理终止返还")
    if not approval.strip():
        raise DomainError(
            "fund.approval_required", "终止须经区人民政府批准: 请填写批准文件", field="approval"
        )
    totals = _locked_balances()
    if totals[Account.LOANS] != 0:
        raise DomainError(
            "fund.loans_outstanding",
            f"尚有借出周转资金 {totals[Account.LOANS]} 元未收回, 不能终止",
            field="day",
        )
    cash, reserve = totals[Account.BANK], -totals[Account.RESERVE]
    if cash <= 0:
        raise DomainError("fund.nothing_to_return", "专户已无资金可返还", field="day")
    legs: list[tuple[str, Decimal]] = [(Account.RETURNED, cash), (Account.BANK, -cash)]
    if reserve > 0:
        legs += [(Account.RESERVE, reserve), (Account.FEE_INCOME, -reserve)]
    tx, _ = post(
        actor=actor,
        key=f"terminate:{day.isoformat()}",
        kind=LedgerTransaction.Kind.RETURN,
        day=day,
        postings=legs,
        memo=f"终止, 返还区财政 ({approval})"[:255],
    )
    return tx
