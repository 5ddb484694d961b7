"""Bridge-loan terms: validity, the fee, the bank's sign-off deadline, renewal and use limits.

Every number comes from ``rules/fund_bridge_loan.toml``; every answer carries its clauses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from chengqu.common import Citation, Decision, DomainError, round_fen, yuan
from chengqu.common.workdays import WorkdayCalendar, default_calendar
from chengqu.fund.rules import clause_citation, fund_rules


def _day(value: object, field: str, label: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DomainError("fund.date", f"{label}({field})必须是日期, 收到: {value!r}", field=field)
    return value


def money(value: object, field: str, label: str, *, zero_ok: bool = False) -> Decimal:
    """An amount in yuan given to the fund: exact, to the fen at most, positive (or zero)."""
    try:
        amount = yuan(value)  # type: ignore[arg-type]
    except DomainError as exc:
        raise DomainError(exc.code, f"{label}({field}): {exc.message}", field=field) from None
    if amount < 0 or (amount == 0 and not zero_ok):
        bound = "不能为负数" if zero_ok else "必须大于0"
        raise DomainError("fund.amount", f"{label}({field}){bound}: {amount}", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(
            "fund.amount_precision", f"{label}({field})最多精确到分: {amount}", field=field
        )
    return amount.quantize(Decimal("0.01"))


def citations_json(citations: tuple[Citation, ...]) -> list[dict[str, str]]:
    """Citations as JSON-ready objects, for the CLI and the API."""
    return [{"document": c.document, "clause": c.clause, "text": c.text} for c in citations]


# ---------------------------------------------------------------- validity (第二十六条)


def check_in_force(day: date, *, field: str = "date", act: str = "业务日期") -> Decision[date]:
    """Whether the 办法 is in force on ``day``: 2024-04-05 through 2029-04-04, both included.

    Refuses a day before (``fund.not_in_force``) or after (``fund.expired``) with the end it
    missed. Source: 城政办发〔2024〕6号 第二十六条
    """
    rules = fund_rules()
    day = _day(day, field, act)
    if day < rules.effective:
        raise DomainError(
            "fund.not_in_force",
            f"{act} {day.isoformat()} 早于《{rules.title}》施行日期 {rules.effective.isoformat()}",
            field=field,
        )
    if day > rules.expires:
        raise DomainError(
            "fund.expired",
            f"{act} {day.isoformat()} 晚于《{rules.title}》有效期"
            f"({rules.validity_years}年, 至 {rules.expires.isoformat()} 止)",
            field=field,
        )
    return Decision(day, (rules.cite("validity"),))


# ---------------------------------------------------------------- the fee (第十条)


@dataclass(frozen=True, slots=True)
class FeeQuote:
    """The occupation fee (占用费) of one bridge loan.

    ``elapsed_days`` is repaid − disbursed (算头不算尾); ``days`` is what is charged (at least
    the minimum); ``exact_fee`` is principal × rate × days before rounding; ``fee`` is rounded
    once to the fen, half up. ``over_limit`` is true past the 20-day use limit, and then
    ``overdue_days`` says by how many days; the fee is still computed.
    """

    principal: Decimal
    disbursed: date
    repaid: date
    elapsed_days: int
    days: int
    daily_rate: Decimal
    exact_fee: Decimal
    fee: Decimal
    over_limit: bool
    overdue_days: int
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()

    @property
    def total_due(self) -> Decimal:
        """Principal plus fee: what repays the loan in full."""
        return self.principal + self.fee

    def as_dict(self) -> dict[str, Any]:
        """The CLI/API contract: days, fee (string), over_limit, citations, and the details."""
        return {
            "days": self.days,
            "fee": f"{self.fee:.2f}",
            "over_limit": self.over_limit,
            "citations": citations_json(self.citations),
            "principal": f"{self.principal:.2f}",
            "disbursed": self.disbursed.isoformat(),
            "repaid": self.repaid.isoformat(),
            "elapsed_days": self.elapsed_days,
            "daily_rate": str(self.daily_rate),
            "overdue_days": self.overdue_days,
            "total_due": f"{self.total_due:.2f}",
            "notes": list(self.notes),
        }


def quote_fee(*, principal: Decimal | int | str, disbursed: date, repaid: date) -> FeeQuote:
    """The fee for using ``principal`` from ``disbursed`` to ``repaid``.

    days = repaid − disbursed (算头不算尾), at least one day; fee = principal × 0.2‰ × days,
    exact, rounded once to the fen (ROUND_HALF_UP). Use beyond 20 days is flagged
    (``over_limit``, ``overdue_days``), not refused: the limit holds 原则上. The disbursement
    date must fall within the 办法's validity; a repayment before disbursement is refused.

    Source: 城政办发〔2024〕6号 第十条、第二十六条
    """
    rules = fund_rules()
    amount = money(principal, "principal", "周转资金本金")
    start = _day(disbursed, "disbursed", "放款日期")
    end = _day(repaid, "repaid", "还款日期")
    check_in_force(start, field="disbursed", act="放款日期")
    elapsed = (end - start).days
    if elapsed < 0:
        raise DomainError(
            "fund.repaid_before_disbursed",
            f"还款日期 {end.isoformat()} 早于放款日期 {start.isoformat()}",
            field="repaid",
        )
    days = max(elapsed, rules.min_fee_days)
    exact = amount * rules.daily_rate * days
    fee = round_fen(exact)
    over = days > rules.max_use_days
    overdue = max(0, days - rules.max_use_days)
    notes: list[str] = []
    if elapsed < rules.min_fee_days:
        notes.append(
            f"当日归还按最低 {rules.min_fee_days} 日计收占用费(项目约定, 办法未规定最低天数)"
        )
    if over:
        notes.append(
            f"使用 {days} 日, 超过使用期限 {rules.max_use_days} 日 {overdue} 日; 超期部分仍按日息计收"
        )
    notes.append(
        f"占用费 = {amount} × {rules.daily_rate_as_written} × {days} 日 = {exact}, 四舍五入到分 = {fee}"
    )
    return FeeQuote(
        principal=amount,
        disbursed=start,
        repaid=end,
        elapsed_days=elapsed,
        days=days,
        daily_rate=rules.daily_rate,
        exact_fee=exact,
        fee=fee,
        over_limit=over,
        overdue_days=overdue,
        citations=(rules.cite("fee"),),
        notes=tuple(notes),
    )


def check_charge(name: str) -> Decision[str]:
    """Whether a charge may be recorded on a bridge loan: only the 占用费 exists.

    Any other charge is refused (``fund.charge_forbidden``). Source: 城政办发〔2024〕6号 第十条
    """
    rules = fund_rules()
    if not isinstance(name, str) or name.strip() != rules.only_charge:
        raise DomainError(
            "fund.charge_forbidden",
            f"除占用费外, 应急周转资金使用不得收取其他任何费用: 不能收取“{name}”",
            field="charge",
        )
    return Decision(rules.only_charge, (rules.cite("fee"),))


# ---------------------------------------------------------------- sign-off (第十五条)


@dataclass(frozen=True, slots=True)
class SignoffCheck:
    """A bank's sign-off date against the loan's maturity.

    ``working_days_before`` counts the working days from the signing day (included) to
    maturity (excluded); ``ok`` is true when the bank signed on or before ``latest_sign_date``,
    which is exactly when that count is at least 10. ``message`` says why not, in Chinese.
    """

    ok: bool
    signed: date
    maturity: date
    latest_sign_date: date
    working_days_before: int
    required_working_days: int
    message: str
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "latest_sign_date": self.latest_sign_date.isoformat(),
            "working_days_before": self.working_days_before,
            "signed": self.signed.isoformat(),
            "maturity": self.maturity.isoformat(),
            "required_working_days": self.required_working_days,
            "message": self.message,
            "citations": citations_json(self.citations),
        }


def latest_signoff_date(
    maturity: date, *, calendar: WorkdayCalendar | None = None
) -> Decision[date]:
    """The last day the bank may sign the application: the 10th working day before maturity.

    Counted back from the day before maturity (maturity excluded) on the China holiday calendar
    with its adjusted working days: 2024-10-14 → 2024-09-25. Refused when that day falls before
    the 办法 took effect (no sign-off under it can be in time).

    Source: 城政办发〔2024〕6号 第十五条
    """
    rules = fund_rules()
    due = _day(maturity, "maturity", "贷款到期日")
    cal = calendar or default_calendar()
    latest = cal.workdays_before(due, rules.signoff_workdays)
    if latest < rules.effective:
        raise DomainError(
            "fund.not_in_force",
            f"贷款到期日 {due.isoformat()} 的最迟签署日 {latest.isoformat()} 早于本办法施行日期 "
            f"{rules.effective.isoformat()}, 无法按本办法及时签署",
            field="maturity",
        )
    notes = [
        f"贷款到期日 {due.isoformat()} 前第 {rules.signoff_workdays} 个工作日(到期日不计)为 {latest.isoformat()}"
    ]
    citations = [rules.cite("signoff")]
    if latest > rules.expires:
        notes.append(f"本办法有效期至 {rules.expires.isoformat()} 止: 签署和放款须在有效期内")
        citations.append(rules.cite("validity"))
    return Decision(latest, tuple(citations), tuple(notes))


def check_signoff(
    signed: date, maturity: date, *, calendar: WorkdayCalendar | None = None
) -> SignoffCheck:
    """Whether the bank signed at least 10 working days before maturity.

    A late signature gives ``ok`` False and a message naming the latest allowed date; use
    :func:`ensure_signoff` to refuse it outright. The signing day must be within the 办法's
    validity. Source: 城政办发〔2024〕6号 第十五条、第二十六条
    """
    rules = fund_rules()
    sign_day = _day(signed, "signed", "银行签署日期")
    due = _day(maturity, "maturity", "贷款到期日")
    check_in_force(sign_day, field="signed", act="银行签署日期")
    cal = calendar or default_calendar()
    latest = cal.workdays_before(due, rules.signoff_workdays)
    # working days in [signed, maturity): (signed − 1, maturity − 1]
    one = timedelta(days=1)
    count = cal.workdays_between(sign_day - one, due - one)
    ok = sign_day <= latest
    if ok:
        message = (
            f"银行于 {sign_day.isoformat()} 签署, 距贷款到期日 {due.isoformat()} 尚有 {count} 个工作日, "
            f"不晚于最迟签署日 {latest.isoformat()}"
        )
    else:
        message = (
            f"银行签署过迟: 须在贷款到期前{rules.signoff_workdays}个工作日签署, 最迟签署日为 "
            f"{latest.isoformat()}; 实际签署日 {sign_day.isoformat()} 距到期日 {due.isoformat()} "
            f"仅 {max(count, 0)} 个工作日"
        )
    return SignoffCheck(
        ok=ok,
        signed=sign_day,
        maturity=due,
        latest_sign_date=latest,
        working_days_before=count,
        required_working_days=rules.signoff_workdays,
        message=message,
        citations=(rules.cite("signoff"),),
    )


def ensure_signoff(
    signed: date, maturity: date, *, calendar: WorkdayCalendar | None = None
) -> SignoffCheck:
    """As :func:`check_signoff`, but a late signature is refused (``fund.signoff_late``).

    Source: 城政办发〔2024〕6号 第十五条
    """
    check = check_signoff(signed, maturity, calendar=calendar)
    if not check.ok:
        raise DomainError("fund.signoff_late", check.message, field="signed")
    return check


# ---------------------------------------------------------------- use and renewal (第十条、第十七条)


def use_deadline(disbursed: date) -> Decision[date]:
    """The last repayment day within the 20-day use limit: disbursed + 20 days.

    Source: 城政办发〔2024〕6号 第十条
    """
    rules = fund_rules()
    start = _day(disbursed, "disbursed", "放款日期")
    check_in_force(start, field="disbursed", act="放款日期")
    last = start + timedelta(days=rules.max_use_days)
    return Decision(
        last,
        (rules.cite("fee"),),
        (f"使用期限原则上不超过 {rules.max_use_days} 日: 最迟 {last.isoformat()} 归还",),
    )


def overdue_days(*, disbursed: date, on: date) -> Decision[int]:
    """Days of use beyond the 20-day limit as of ``on`` (the repayment day, or today if unpaid).

    0 up to and including disbursed + 20; 1 on the 21st day of use, and so on.
    Source: 城政办发〔2024〕6号 第十条
    """
    last = use_deadline(disbursed)
    day = _day(on, "on", "计算日期")
    if day < disbursed:
        raise DomainError(
            "fund.on_before_disbursed", f"计算日期 {day.isoformat()} 早于放款日期", field="on"
        )
    late = max(0, (day - last.value).days)
    notes = (f"超过使用期限 {late} 日(期限至 {last.value.isoformat()})",) if late else ()
    return Decision(late, last.citations, notes)


class RenewalStatus(StrEnum):
    """Where the bank's renewal stands against 第十七条."""

    PENDING = "pending"  # not yet renewed, still within 5 days
    PENDING_LATE = "pending_late"  # not yet renewed, past 5 days, within 20
    ON_TIME = "on_time"  # renewed within 5 days
    LATE = "late"  # renewed after 5 days but within 20
    OVERDUE = "overdue"  # not renewed within 20 days (or renewed after)


@dataclass(frozen=True, slots=True)
class RenewalCheck:
    """The bank's renewal deadlines and how it met them.

    ``target_date`` = received + 5 days, ``latest_date`` = received + 20 days (calendar days,
    both included); ``overdue_days`` counts days past ``latest_date`` until the renewal or ``on``.
    """

    received: date
    target_date: date
    latest_date: date
    renewed_on: date | None
    status: RenewalStatus
    overdue_days: int
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()

    @property
    def in_time(self) -> bool:
        """Renewed within the 20-day maximum (按时)."""
        return self.status in (RenewalStatus.ON_TIME, RenewalStatus.LATE)


_STATUS_TEXT = {
    RenewalStatus.PENDING: "尚未续贷, 仍在5日内",
    RenewalStatus.PENDING_LATE: "尚未续贷, 已超过5日, 最长不得超过20日",
    RenewalStatus.ON_TIME: "已在5日内完成续贷",
    RenewalStatus.LATE: "续贷超过5日, 但未超过20日",
    RenewalStatus.OVERDUE: "未在20日内完成续贷",
}


def renewal_deadlines(received: date) -> Decision[tuple[date, date]]:
    """(target, latest): the bank renews within 5 days of receiving the funds, at most 20.

    Calendar days counted from the day after receipt. Source: 城政办发〔2024〕6号 第十七条
    """
    rules = fund_rules()
    day = _day(received, "received", "银行收到周转资金日期")
    target = day + timedelta(days=rules.renewal_target_days)
    latest = day + timedelta(days=rules.renewal_max_days)
    return Decision(
        (target, latest),
        (rules.cite("renewal"),),
        (f"应于 {target.isoformat()} 前完成续贷, 最迟不得晚于 {latest.isoformat()}",),
    )


def check_renewal(*, received: date, renewed_on: date | None, on: date) -> RenewalCheck:
    """How the bank's renewal stands on ``on``: pending, on time, late or overdue.

    Source: 城政办发〔2024〕6号 第十七条
    """
    deadlines = renewal_deadlines(received)
    target, latest = deadlines.value
    day = _day(on, "on", "计算日期")
    if renewed_on is not None:
        renewed = _day(renewed_on, "renewed_on", "续贷发放日期")
        if renewed < received:
            raise DomainError(
                "fund.renewal_before_receipt",
                "续贷发放日期早于银行收到周转资金日期",
                field="renewed_on",
            )
        if renewed <= target:
            status = RenewalStatus.ON_TIME
        elif renewed <= latest:
            status = RenewalStatus.LATE
        else:
            status = RenewalStatus.OVERDUE
        late = max(0, (renewed - latest).days)
    else:
        if day < received:
            raise DomainError(
                "fund.on_before_receipt", "计算日期早于银行收到周转资金日期", field="on"
            )
        if day <= target:
            status = RenewalStatus.PENDING
        elif day <= latest:
            status = RenewalStatus.PENDING_LATE
        else:
            status = RenewalStatus.OVERDUE
        late = max(0, (day - latest).days)
    notes = [_STATUS_TEXT[status], *deadlines.notes]
    if late:
        notes.append(f"超过最长期限 {late} 日")
    return RenewalCheck(
        received=received,
        target_date=target,
        latest_date=latest,
        renewed_on=renewed_on,
        status=status,
        overdue_days=late,
        citations=deadlines.citations,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------- bank liability (第二十四条)


@dataclass(frozen=True, slots=True)
class BankLiability:
    """Whether the partner bank must repay the bridge loan itself, and how much.

    ``amount`` is principal plus the fee accrued to ``on`` less what was already repaid.
    """

    liable: bool
    amount: Decimal
    reasons: tuple[str, ...]
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()


def bank_liability(
    *,
    principal: Decimal | int | str,
    disbursed: date,
    bank_agreed: bool,
    borrower_qualified: bool,
    renewed_on: date | None,
    renewed_amount: Decimal | int | str,
    repaid: Decimal | int | str,
    on: date,
) -> BankLiability:
    """The partner bank's liability when it did not renew on time and in full.

    The bank that agreed to renew a qualified borrower repays (and makes good) the bridge loan
    when, because it did not renew within 20 days or for less than the bridge principal, the
    loan is not repaid within its use period. The funds reach the bank on disbursement.

    Source: 城政办发〔2024〕6号 第二十四条、第十七条、第十五条(一)、第十条
    """
    rules = fund_rules()
    amount = money(principal, "principal", "周转资金本金")
    renewal_amount = money(renewed_amount, "renewed_amount", "续贷金额", zero_ok=True)
    paid = money(repaid, "repaid", "已归还金额", zero_ok=True)
    day = _day(on, "on", "计算日期")
    quote = quote_fee(principal=amount, disbursed=disbursed, repaid=max(day, disbursed))
    renewal = check_renewal(received=disbursed, renewed_on=renewed_on, on=day)
    outstanding = max(Decimal(0), quote.total_due - paid)
    past_use = quote.over_limit
    citations = (
        rules.cite("bank_liability"),
        rules.cite("renewal"),
        rules.cite("renewal_amount"),
        rules.cite("fee"),
    )
    failures: list[str] = []
    if renewal.status is RenewalStatus.OVERDUE:
        failures.append(f"未按时续贷: 最迟应于 {renewal.latest_date.isoformat()} 完成")
    if renewed_on is not None and renewal_amount < amount:
        failures.append(f"未足额续贷: 续贷 {renewal_amount} 元低于还款额 {amount} 元")
    if renewed_on is None and renewal.status is not RenewalStatus.OVERDUE:
        return BankLiability(
            liable=False,
            amount=Decimal("0.00"),
            reasons=("续贷期限未届满",),
            citations=citations,
            notes=renewal.notes,
        )
    reasons: list[str] = []
    if not bank_agreed:
        reasons.append("合作银行未同意续贷: 不适用第二十四条")
    if not borrower_qualified:
        reasons.append("借款人不符合续贷条件: 不适用第二十四条")
    if not failures:
        reasons.append("合作银行已按时足额续贷")
    if not past_use:
        reasons.append(f"周转资金尚在使用期限内(至 {use_deadline(disbursed).value.isoformat()})")
    if outstanding == 0:
        reasons.append("周转资金已全部归还")
    if reasons:
        return BankLiability(
            liable=False,
            amount=Decimal("0.00"),
            reasons=tuple(failures + reasons),
            citations=citations,
            notes=quote.notes,
        )
    note = (
        f"应归还本金 {amount} 元及截至 {day.isoformat()} 的占用费 {quote.fee} 元, 已归还 {paid} 元; "
        f"由合作银行承担归还、补足 {outstanding} 元"
    )
    return BankLiability(
        liable=True,
        amount=round_fen(outstanding),
        reasons=tuple(failures),
        citations=citations,
        notes=(note,),
    )


# ---------------------------------------------------------------- misuse (第二十三条、第十四条)


@dataclass(frozen=True, slots=True)
class ExclusionRecord:
    """An entry of the exclusion list (第十四条): who, why, since when, on which clause."""

    reason: str
    clause: str
    text: str
    since: date


@dataclass(frozen=True, slots=True)
class Recall:
    """Early recall of a misused bridge loan: what is due now and the exclusion it records."""

    due: Decimal
    fee: FeeQuote
    exclusion: ExclusionRecord
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()


def recall_on_misuse(
    *, principal: Decimal | int | str, disbursed: date, found: date, repaid: Decimal | int | str = 0
) -> Recall:
    """Recall a bridge loan whose borrower changed the use of the funds, as of ``found``.

    Due at once: principal plus the fee to the recall date, less anything already repaid; the
    borrower is written into the exclusion list under 第十四条(三).

    Source: 城政办发〔2024〕6号 第二十三条、第十四条(三)、第十条
    """
    rules = fund_rules()
    day = _day(found, "found", "发现改变用途日期")
    quote = quote_fee(principal=principal, disbursed=disbursed, repaid=day)
    paid = money(repaid, "repaid", "已归还金额", zero_ok=True)
    due = max(Decimal("0.00"), quote.total_due - paid)
    misuse = next(item for item in rules.exclusions if "misused_funds" in item.facts)
    exclusion = ExclusionRecord("misused_funds", misuse.clause, misuse.text, day)
    return Recall(
        due=due,
        fee=quote,
        exclusion=exclusion,
        citations=(
            rules.cite("recall"),
            clause_citation(misuse.clause, misuse.text),
            rules.cite("fee"),
        ),
        notes=(
            (
                f"改变资金用途, 提前收回: 应归还本金 {quote.principal} 元及占用费 {quote.fee} 元"
                f"(计至 {day.isoformat()}), 已归还 {paid} 元, 尚欠 {due} 元"
            ),
            "记入不得申报名单(第十四条(三))",
        ),
    )


def default_exclusion(*, since: date, owes_fees: bool = False) -> ExclusionRecord:
    """The exclusion record of a borrower that did not repay or owes fees (第十四条(二)).

    Source: 城政办发〔2024〕6号 第十四条(二)
    """
    rules = fund_rules()
    day = _day(since, "since", "记录日期")
    item = next(rule for rule in rules.exclusions if "defaulted_on_repayment" in rule.facts)
    reason = "owes_fees" if owes_fees else "defaulted_on_repayment"
    return ExclusionRecord(reason, item.clause, item.text, day)
