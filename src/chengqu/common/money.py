"""Money in exact Decimal yuan, rounded once to the fen with ROUND_HALF_UP.

Python's default context rounds half to even, and so does Django when it saves a DecimalField,
so every amount that reaches a person or a database goes through :func:`round_fen` first.
Floats are refused: 0.1 + 0.2 is not a sum anybody can be paid.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from chengqu.common.errors import DomainError

FEN = Decimal("0.01")
WAN = Decimal("10000")

MoneyInput = Decimal | int | str


def yuan(value: MoneyInput) -> Decimal:
    """An exact Decimal amount from a Decimal, an int or a decimal string ("1,234.50" allowed).

    Raises DomainError for floats, non-finite or unparseable input.
    """
    if isinstance(value, bool | float):
        raise DomainError("money.float", "金额不能用浮点数表示, 请使用十进制字符串或整数")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise DomainError("money.invalid", f"金额格式不正确: {value!r}") from None
    else:
        raise DomainError("money.invalid", f"金额类型不正确: {type(value).__name__}")
    if not amount.is_finite():
        raise DomainError("money.invalid", f"金额必须是有限数: {value!r}")
    return amount


def round_fen(amount: MoneyInput) -> Decimal:
    """Round to the fen (0.01 yuan), half up (四舍五入). Call once, at the end."""
    return yuan(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def to_fen(amount: MoneyInput) -> int:
    """Whole fen after rounding once: 12.345 yuan → 1235."""
    return int(round_fen(amount) * 100)


def from_fen(fen: int) -> Decimal:
    """Yuan from whole fen: 1235 → Decimal('12.35')."""
    return (Decimal(fen) / 100).quantize(FEN)


def from_wan(amount: MoneyInput) -> Decimal:
    """Yuan from 万元 as the gazette writes it: 5000万元 → 50,000,000 yuan."""
    return yuan(amount) * WAN


def format_yuan(amount: MoneyInput) -> str:
    """For people: thousands separators and two decimals, '1,234,567.89'."""
    return f"{round_fen(amount):,.2f}"
