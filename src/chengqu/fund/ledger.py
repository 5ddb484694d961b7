"""A tiny pure double-entry model of the fund (专户管理、独立核算): postings that sum to zero.

The database ledger lives in the portal; this is the shape it must honour, usable in tests and
for recomputing balances from postings. Amounts are signed yuan to the fen: positive debits,
negative credits; each transaction's postings sum to exactly zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from chengqu.common import Decision, DomainError
from chengqu.common.money import FEN
from chengqu.fund.reserve import allocate_reserve
from chengqu.fund.rules import fund_rules
from chengqu.fund.terms import FeeQuote


class Account(StrEnum):
    """The fund's accounts (issue 6 §4)."""

    BANK = "bank"  # 专户存款: the fund's cash
    LOANS = "loans"  # 周转资金(借出): bridge loans outstanding
    CAPITAL = "capital"  # 实缴资金: paid in by 区财政局
    FEE_INCOME = "fee_income"  # 占用费收入
    INTEREST_INCOME = "interest_income"  # 利息收入
    RESERVE = "reserve"  # 风险准备金
    MANAGEMENT = "management"  # 管理性开支
    RETURNED = "returned"  # 返还区财政


@dataclass(frozen=True, slots=True)
class Posting:
    """One leg: a signed amount on an account (debit positive, credit negative)."""

    account: Account
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Transaction:
    """A balanced set of postings under an idempotency key (``loan-17:disburse``)."""

    key: str
    day: date
    postings: tuple[Posting, ...]
    memo: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            raise DomainError("fund.ledger_key", "记账必须有幂等键", field="key")
        if len(self.postings) < 2:
            raise DomainError("fund.ledger_legs", "一笔记账至少两条分录", field="postings")
        for posting in self.postings:
            if not isinstance(posting.amount, Decimal) or posting.amount == 0:
                raise DomainError(
                    "fund.ledger_amount", f"分录金额必须是非零 Decimal: {posting.amount!r}"
                )
            if posting.amount != posting.amount.quantize(FEN):
                raise DomainError("fund.ledger_amount", f"分录金额最多精确到分: {posting.amount}")
        total = sum((p.amount for p in self.postings), Decimal(0))
        if total != 0:
            raise DomainError("fund.ledger_unbalanced", f"借贷不平: {self.key} 合计 {total}")


def balances(transactions: Iterable[Transaction]) -> dict[Account, Decimal]:
    """Every account's balance recomputed from postings; a repeated key is refused.

    Source: 城政办发〔2024〕6号 第七条
    """
    seen: set[str] = set()
    totals = {account: Decimal("0.00") for account in Account}
    for tx in transactions:
        if tx.key in seen:
            raise DomainError("fund.ledger_duplicate", f"重复记账: {tx.key}", field="key")
        seen.add(tx.key)
        for posting in tx.postings:
            totals[posting.account] += posting.amount
    return totals


def available(totals: dict[Account, Decimal]) -> Decimal:
    """Cash the fund can lend: the account's cash less the risk reserve (a credit balance).

    The reserve is kept apart and used for nothing else. Source: 城政办发〔2024〕6号 第二十五条
    """
    return totals[Account.BANK] + totals[Account.RESERVE]


def disbursement(key: str, day: date, principal: Decimal) -> Transaction:
    """Lend ``principal``: loans up, cash down.

    Source: 城政办发〔2024〕6号 第七条、第十七条
    """
    return Transaction(
        key, day, (Posting(Account.LOANS, principal), Posting(Account.BANK, -principal)), "放款"
    )


def repayment(key: str, quote: FeeQuote) -> Transaction:
    """Repay principal and fee: cash up, loans down, fee income credited.

    Source: 城政办发〔2024〕6号 第十条、第十八条
    """
    legs = [Posting(Account.BANK, quote.total_due), Posting(Account.LOANS, -quote.principal)]
    if quote.fee:
        legs.append(Posting(Account.FEE_INCOME, -quote.fee))
    return Transaction(key, quote.repaid, tuple(legs), "归还本金及占用费")


def reserve_allocation(
    key: str, day: date, fee_income: Decimal, totals: dict[Account, Decimal]
) -> Decision[Transaction | None]:
    """Set aside the risk reserve from ``fee_income`` given the current balances (第二十五条).

    Paid-in capital and the reserve are credit balances (negative here). None when nothing is
    due. Source: 城政办发〔2024〕6号 第二十五条
    """
    amount = allocate_reserve(fee_income, -totals[Account.CAPITAL], -totals[Account.RESERVE])
    citations = (fund_rules().cite("reserve"),)
    if amount == 0:
        return Decision(None, citations, ("风险准备金已达上限或无占用费收入, 本次不提取",))
    tx = Transaction(
        key,
        day,
        (Posting(Account.FEE_INCOME, amount), Posting(Account.RESERVE, -amount)),
        "提取风险准备金",
    )
    return Decision(tx, citations)
