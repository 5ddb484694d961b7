"""The fund's own money: its size, the risk reserve and the cap on management expenses."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from chengqu.common import Citation, Decision, DomainError, round_fen
from chengqu.common.money import FEN
from chengqu.fund.rules import fund_rules
from chengqu.fund.terms import money

ZERO = Decimal("0.00")


def _floor_fen(amount: Decimal) -> Decimal:
    """Down to the fen: a cap rounded this way is never exceeded by what fits under it."""
    return amount.quantize(FEN, rounding=ROUND_DOWN)


def fund_size() -> Decision[Decimal]:
    """The fund's provisional size in yuan (8000万元), which the 区政府 may adjust.

    Source: 城政办发〔2024〕6号 第七条
    """
    rules = fund_rules()
    return Decision(
        rules.fund_size,
        (rules.cite("fund"),),
        ("筹集规模暂定为8000万元, 可根据经济社会发展和市场主体需求适时调整",),
    )


def reserve_cap(paid_in_capital: Decimal | int | str) -> Decimal:
    """The reserve level at which provisioning may stop: 20% of paid-in capital, exact.

    Source: 城政办发〔2024〕6号 第二十五条
    """
    capital = money(paid_in_capital, "paid_in_capital", "实缴到位资金", zero_ok=True)
    return capital * fund_rules().reserve_cap_share


def allocate_reserve(
    fee_income: Decimal | int | str,
    paid_in_capital: Decimal | int | str,
    current_reserve: Decimal | int | str,
) -> Decimal:
    """The risk reserve to set aside from ``fee_income``.

    min(10% × fee income, 20% × paid-in capital − current reserve), never negative. The 10%
    share is rounded once to the fen half up; the room left under the cap is rounded down to
    the fen, so the reserve never passes 20% of paid-in capital. Once the reserve has reached
    the cap (达到, included) nothing more is set aside.

    Source: 城政办发〔2024〕6号 第二十五条
    """
    rules = fund_rules()
    income = money(fee_income, "fee_income", "占用费收入", zero_ok=True)
    reserve = money(current_reserve, "current_reserve", "现有风险准备金", zero_ok=True)
    share = round_fen(income * rules.reserve_share)
    room = _floor_fen(reserve_cap(paid_in_capital) - reserve)
    return max(ZERO, min(share, room))


def explain_reserve(
    fee_income: Decimal | int | str,
    paid_in_capital: Decimal | int | str,
    current_reserve: Decimal | int | str,
) -> Decision[Decimal]:
    """:func:`allocate_reserve` with its clause and a note saying whether the cap bound it.

    Source: 城政办发〔2024〕6号 第二十五条
    """
    rules = fund_rules()
    amount = allocate_reserve(fee_income, paid_in_capital, current_reserve)
    income = money(fee_income, "fee_income", "占用费收入", zero_ok=True)
    share = round_fen(income * rules.reserve_share)
    cap = reserve_cap(paid_in_capital)
    if amount == share:
        note = f"按占用费收入 {income} 元的10%提取 {amount} 元"
    elif amount == 0:
        note = f"风险准备金已达到实缴资金的20%({cap} 元), 暂不再计提"
    else:
        note = f"提取至实缴资金的20%({cap} 元)为止: 本次部分提取 {amount} 元(10%应为 {share} 元)"
    return Decision(amount, (rules.cite("reserve"),), (note,))


@dataclass(frozen=True, slots=True)
class ExpenseCheck:
    """A proposed management expense against the year's cap (20% of the year's fee income)."""

    ok: bool
    cap: Decimal
    spent: Decimal
    proposed: Decimal
    remaining: Decimal
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()


def management_cost_cap(year_fee_income: Decimal | int | str) -> Decimal:
    """The most a year's management expenses may total: 20% of that year's fee income.

    Rounded down to the fen so that spending the whole cap never passes 20%.
    Source: 城政办发〔2024〕6号 第十一条
    """
    income = money(year_fee_income, "year_fee_income", "本年度占用费收入", zero_ok=True)
    return _floor_fen(income * fund_rules().management_share)


def check_management_expense(
    *,
    year_fee_income: Decimal | int | str,
    spent: Decimal | int | str,
    proposed: Decimal | int | str,
) -> ExpenseCheck:
    """Whether a management expense fits under the year's cap, with what remains.

    Source: 城政办发〔2024〕6号 第十一条
    """
    rules = fund_rules()
    cap = management_cost_cap(year_fee_income)
    used = money(spent, "spent", "本年度已列支管理性开支", zero_ok=True)
    amount = money(proposed, "proposed", "拟列支金额")
    ok = used + amount <= cap
    remaining = max(ZERO, cap - used - (amount if ok else ZERO))
    if ok:
        note = f"列支后本年度管理性开支 {used + amount} 元, 未超过上限 {cap} 元"
    else:
        note = (
            f"管理性开支原则上不超过本年度占用费收入的20%: 上限 {cap} 元, 已列支 {used} 元, "
            f"可列支 {max(ZERO, cap - used)} 元, 拟列支 {amount} 元超出"
        )
    return ExpenseCheck(ok, cap, used, amount, remaining, (rules.cite("management_cost"),), (note,))


def ensure_management_expense(
    *,
    year_fee_income: Decimal | int | str,
    spent: Decimal | int | str,
    proposed: Decimal | int | str,
) -> ExpenseCheck:
    """As :func:`check_management_expense`, refusing an expense over the cap.

    Source: 城政办发〔2024〕6号 第十一条
    """
    check = check_management_expense(
        year_fee_income=year_fee_income, spent=spent, proposed=proposed
    )
    if not check.ok:
        raise DomainError("fund.management_cap", check.notes[0], field="proposed")
    return check
