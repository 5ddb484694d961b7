"""Reads of the fund: deadlines of an application, balances, reconciliation and periodic reports.

Every figure of a report is derived from the ledger's postings (and the applications they name).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.db.models.functions import Coalesce

from chengqu.common import Citation, DomainError
from chengqu.fund import (
    check_renewal,
    fund_rules,
    latest_signoff_date,
    management_cost_cap,
    overdue_days,
    renewal_deadlines,
    reserve_cap,
    use_deadline,
)
from chengqu.fund.rules import clause_citation
from chengqu.rules import load_table
from portal.fund.models import (
    Account,
    Application,
    Balance,
    DailyTotal,
    FundDecision,
    LedgerLeg,
    LedgerTransaction,
    Side,
    State,
)

ZERO = Decimal("0.00")

SIGNED_AMOUNT = Case(
    When(side=Side.DEBIT, then=F("amount")),
    default=-F("amount"),
    output_field=DecimalField(max_digits=17, decimal_places=2),
)


@dataclass(frozen=True, slots=True)
class Deadline:
    label: str
    day: date | None
    status: str
    citation: Citation | None = None
    late: bool = False


def deadlines(app: Application, *, today: date) -> list[Deadline]:
    """The sign-off, use and renewal deadlines of an application, with overdue computed."""
    rules = fund_rules()
    out: list[Deadline] = []
    try:
        latest = latest_signoff_date(app.maturity).value
        if app.signed_on:
            status = f"已于 {app.signed_on.isoformat()} 签署"
        elif app.state in (State.DRAFT, State.SUBMITTED):
            status = "逾期未签署" if today > latest else f"尚余 {(latest - today).days} 日"
        else:
            status = "未签署"
        late = app.signed_on is None and app.state == State.SUBMITTED and today > latest
        out.append(Deadline("银行最迟签署日", latest, status, rules.cite("signoff"), late=late))
    except DomainError as exc:
        out.append(Deadline("银行最迟签署日", None, exc.message, rules.cite("signoff"), late=True))
    if app.disbursed_on:
        last = use_deadline(app.disbursed_on).value
        on = app.repaid_on or today
        late_days = overdue_days(disbursed=app.disbursed_on, on=max(on, app.disbursed_on)).value
        status = (
            f"超期 {late_days} 日"
            if late_days
            else ("已按期归还" if app.repaid_on else f"尚余 {(last - on).days} 日")
        )
        out.append(
            Deadline("使用期限(最迟归还日)", last, status, rules.cite("fee"), late=bool(late_days))
        )
        target, latest_renewal = renewal_deadlines(app.disbursed_on).value
        check = check_renewal(
            received=app.disbursed_on,
            renewed_on=app.renewed_on,
            on=max(app.repaid_on or today, app.disbursed_on),
        )
        out.append(
            Deadline(
                "银行续贷期限(5日)",
                target,
                check.notes[0],
                rules.cite("renewal"),
                late=check.status.value in ("pending_late", "late", "overdue"),
            )
        )
        out.append(
            Deadline(
                "银行续贷最长期限(20日)",
                latest_renewal,
                f"超过 {check.overdue_days} 日" if check.overdue_days else check.notes[0],
                rules.cite("renewal"),
                late=check.status.value == "overdue",
            )
        )
    return out


def _late_in_use(app: Application, at: date) -> bool:
    """Past the 20-day use limit or the bank's 20-day renewal limit, as of ``at`` (cheap: no calendar)."""
    if app.disbursed_on is None:
        return False
    on = max(app.repaid_on or at, app.disbursed_on)
    if overdue_days(disbursed=app.disbursed_on, on=on).value > 0:
        return True
    _target, latest = renewal_deadlines(app.disbursed_on).value
    return (app.renewed_on or on) > latest


def is_overdue(app: Application, *, today: date) -> bool:
    return any(d.late for d in deadlines(app, today=today)) and app.state not in (
        State.REPAID,
        State.ARCHIVED,
        State.REJECTED,
        State.WITHDRAWN,
    )


def balances() -> dict[str, Decimal]:
    """The running balances (debit positive)."""
    found = {b.account: b.amount for b in Balance.objects.all()}
    return {a.value: found.get(a.value, ZERO) for a in Account}


def balances_from_postings(*, until: date | None = None) -> dict[str, Decimal]:
    """Every balance recomputed from the sealed legs (debit positive)."""
    legs = LedgerLeg.objects.filter(transaction__sealed=True)
    if until is not None:
        legs = legs.filter(transaction__day__lte=until)
    rows = legs.values("account").annotate(total=Coalesce(Sum(SIGNED_AMOUNT), Value(ZERO)))
    found = {row["account"]: Decimal(row["total"]).quantize(ZERO) for row in rows}
    return {a.value: found.get(a.value, ZERO) for a in Account}


@dataclass(frozen=True, slots=True)
class Reconciliation:
    ok: bool
    differences: dict[str, tuple[Decimal, Decimal]]
    unbalanced: list[str]
    transactions: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "transactions": self.transactions,
            "differences": {
                k: {"kept": f"{a:.2f}", "recomputed": f"{b:.2f}"}
                for k, (a, b) in self.differences.items()
            },
            "unbalanced": self.unbalanced,
        }


def reconcile() -> Reconciliation:
    """Recompute every balance from the postings and compare it with the kept balance."""
    kept = balances()
    recomputed = balances_from_postings()
    diffs = {a: (kept[a], recomputed[a]) for a in kept if kept[a] != recomputed[a]}
    per_tx = (
        LedgerLeg.objects.values("transaction__key")
        .annotate(total=Sum(SIGNED_AMOUNT))
        .exclude(total=0)
    )
    unbalanced = [row["transaction__key"] for row in per_tx]
    unsealed = list(LedgerTransaction.objects.filter(sealed=False).values_list("key", flat=True))
    summary = balances_at(date.max)
    diffs.update(
        {f"daily:{a}": (summary[a], recomputed[a]) for a in summary if summary[a] != recomputed[a]}
    )
    return Reconciliation(
        not diffs and not unbalanced and not unsealed,
        diffs,
        unbalanced + unsealed,
        LedgerTransaction.objects.count(),
    )


def available(totals: dict[str, Decimal] | None = None) -> Decimal:
    t = totals if totals is not None else balances()
    return t[Account.BANK] + t[Account.RESERVE]


def fund_size() -> Decimal:
    decision = FundDecision.objects.first()
    return decision.size if decision is not None else fund_rules().fund_size


@dataclass(slots=True)
class Group:
    name: str
    loans: int = 0
    amount: Decimal = ZERO
    fees: Decimal = ZERO
    days: int = 0
    repaid: int = 0
    overdue: int = 0
    bank_liable: int = 0

    @property
    def average_days(self) -> Decimal:
        return (
            (Decimal(self.days) / self.repaid).quantize(Decimal("0.1"))
            if self.repaid
            else Decimal("0.0")
        )


@dataclass(slots=True)
class Report:
    """A month's, quarter's or year's use of the fund (第二十条、第二十一条)."""

    title: str
    start: date
    end: date
    total: Group
    by_bank: list[Group]
    by_industry: list[Group]
    fee_income: Decimal
    interest_income: Decimal
    reserve_added: Decimal
    expenses: Decimal
    balances_at_end: dict[str, Decimal]
    reserve_balance: Decimal
    reserve_cap: Decimal
    expense_cap: Decimal
    year_expenses: Decimal
    citations: list[Citation] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def g(x: Group) -> dict[str, Any]:
            return {
                "name": x.name,
                "loans": x.loans,
                "amount": f"{x.amount:.2f}",
                "fees": f"{x.fees:.2f}",
                "average_days": str(x.average_days),
                "repaid": x.repaid,
                "overdue": x.overdue,
                "bank_liable": x.bank_liable,
            }

        return {
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "total": g(self.total),
            "by_bank": [g(x) for x in self.by_bank],
            "by_industry": [g(x) for x in self.by_industry],
            "fee_income": f"{self.fee_income:.2f}",
            "interest_income": f"{self.interest_income:.2f}",
            "reserve_added": f"{self.reserve_added:.2f}",
            "expenses": f"{self.expenses:.2f}",
            "reserve_balance": f"{self.reserve_balance:.2f}",
            "reserve_cap": f"{self.reserve_cap:.2f}",
            "expense_cap": f"{self.expense_cap:.2f}",
            "year_expenses": f"{self.year_expenses:.2f}",
            "balances_at_end": {k: f"{v:.2f}" for k, v in self.balances_at_end.items()},
        }


def period(kind: str, year: int, number: int = 1) -> tuple[str, date, date]:
    """(title, first day, last day) of a month, quarter or year."""
    if kind == "month":
        if not 1 <= number <= 12:
            raise DomainError("fund.period", "月份应为 1—12", field="number")
        start = date(year, number, 1)
        end = (date(year + (number == 12), number % 12 + 1, 1)) - timedelta(days=1)
        return f"{year}年{number}月应急周转资金管理使用情况", start, end
    if kind == "quarter":
        if not 1 <= number <= 4:
            raise DomainError("fund.period", "季度应为 1—4", field="number")
        start = date(year, 3 * number - 2, 1)
        end = (date(year + (number == 4), (3 * number) % 12 + 1, 1)) - timedelta(days=1)
        return f"{year}年第{number}季度应急周转资金管理使用情况", start, end
    if kind == "year":
        return f"{year}年度应急周转资金管理使用情况", date(year, 1, 1), date(year, 12, 31)
    raise DomainError("fund.period", "报表周期应为 month、quarter 或 year", field="kind")


def _daily(start: date | None, end: date) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """(account, kind) → (debits, credits) over [start, end] from the daily totals."""
    rows = DailyTotal.objects.filter(day__lte=end)
    if start is not None:
        rows = rows.filter(day__gte=start)
    out: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for row in rows.values("account", "kind").annotate(d=Sum("debit"), c=Sum("credit")):
        out[(row["account"], row["kind"])] = (
            Decimal(row["d"] or 0).quantize(ZERO),
            Decimal(row["c"] or 0).quantize(ZERO),
        )
    return out


def _net(
    sums: dict[tuple[str, str], tuple[Decimal, Decimal]],
    account: str,
    *,
    credit: bool,
    kind: str | None = None,
) -> Decimal:
    """Credits − debits (or debits − credits) of an account, of one kind of transaction or all."""
    total = ZERO
    for (acc, k), (d, c) in sums.items():
        if acc == account and (kind is None or k == kind):
            total += (c - d) if credit else (d - c)
    return total


def _fee_income(sums: dict[tuple[str, str], tuple[Decimal, Decimal]]) -> Decimal:
    """Fees credited by repayments, less reversals of them."""
    repay = sums.get((Account.FEE_INCOME, "repay"), (ZERO, ZERO))[1]
    reversed_ = sums.get((Account.FEE_INCOME, "reversal"), (ZERO, ZERO))[0]
    return repay - reversed_


def balances_at(end: date) -> dict[str, Decimal]:
    """Every balance at the end of ``end`` (debit positive), from the daily totals."""
    sums = _daily(None, end)
    return {a.value: _net(sums, a.value, credit=False) for a in Account}


def report(kind: str, year: int, number: int = 1, *, today: date | None = None) -> Report:
    """The report of a period, every amount from the postings dated in it."""
    title, start, end = period(kind, year, number)
    sums = _daily(start, end)
    fee_income = _fee_income(sums)
    interest = _net(sums, Account.INTEREST_INCOME, credit=True)
    reserve_added = _net(sums, Account.RESERVE, credit=True)
    expenses = _net(sums, Account.MANAGEMENT, credit=False)
    # loans disbursed in the period, and repayments made in it, from the postings
    disbursed = LedgerLeg.objects.filter(
        transaction__sealed=True,
        transaction__kind="disburse",
        account=Account.LOANS,
        transaction__day__range=(start, end),
    ).values("transaction__application_id", "amount")
    repaid = LedgerLeg.objects.filter(
        transaction__sealed=True,
        transaction__kind="repay",
        account=Account.FEE_INCOME,
        transaction__day__range=(start, end),
    ).values("transaction__application_id", "amount")
    app_ids = {row["transaction__application_id"] for row in disbursed} | {
        row["transaction__application_id"] for row in repaid
    }
    apps = {a.pk: a for a in Application.objects.filter(pk__in=app_ids).select_related("bank")}
    total = Group("合计")
    banks: dict[str, Group] = defaultdict(lambda: Group(""))
    industries: dict[str, Group] = defaultdict(lambda: Group(""))
    at = min(end, today) if today else end

    def groups(app: Application) -> list[Group]:
        b = banks[app.bank.name]
        b.name = app.bank.name
        i = industries[app.industry or "未填写"]
        i.name = app.industry or "未填写"
        return [total, b, i]

    for row in disbursed:
        app = apps[row["transaction__application_id"]]
        for grp in groups(app):
            grp.loans += 1
            grp.amount += row["amount"]
    for row in repaid:
        app = apps[row["transaction__application_id"]]
        for grp in groups(app):
            grp.fees += row["amount"]
            grp.repaid += 1
            grp.days += app.fee_days or 0
    # overdue and bank-liable cases among the loans outstanding or repaid late in the period
    flagged = (
        Application.objects.filter(disbursed_on__lte=end, disbursed_on__isnull=False)
        .exclude(repaid_on__lt=start)
        .select_related("bank")
    )
    for app in flagged:
        late = _late_in_use(app, at)
        if not late and app.state != State.BANK_LIABLE:
            continue
        for grp in groups(app):
            grp.overdue += int(late)
            grp.bank_liable += int(app.state == State.BANK_LIABLE)
    end_balances = balances_at(end)
    year_sums = _daily(date(end.year, 1, 1), end)
    year_fee = _fee_income(year_sums)
    year_exp = _net(year_sums, Account.MANAGEMENT, credit=False)
    return Report(
        title=title,
        start=start,
        end=end,
        total=total,
        by_bank=sorted(banks.values(), key=lambda g: g.name),
        by_industry=sorted(industries.values(), key=lambda g: g.name),
        fee_income=fee_income,
        interest_income=interest,
        reserve_added=reserve_added,
        expenses=expenses,
        balances_at_end=end_balances,
        reserve_balance=-end_balances[Account.RESERVE],
        reserve_cap=reserve_cap(max(ZERO, -end_balances[Account.CAPITAL])).quantize(ZERO),
        expense_cap=management_cost_cap(year_fee),
        year_expenses=year_exp,
        citations=report_citations(),
    )


def report_citations() -> list[Citation]:
    """第二十条 (monthly), 第二十一条 (quarterly, yearly) and the clauses behind the figures."""
    rules = fund_rules()
    table = load_table("fund_bridge_loan")["reports"]
    return [
        clause_citation(table["monthly_clause"], table["monthly_text"]),
        clause_citation(table["periodic_clause"], table["periodic_text"]),
        rules.cite("reserve"),
        rules.cite("management_cost"),
        rules.cite("surplus"),
    ]


def transactions_page(*, limit: int = 200) -> list[LedgerTransaction]:
    return list(
        LedgerTransaction.objects.select_related("application", "reverses")
        .prefetch_related("legs")
        .order_by("-day", "-pk")[:limit]
    )
