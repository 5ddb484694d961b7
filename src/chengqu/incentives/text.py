"""The engine's formatting of amounts and values in the Chinese sentences it writes."""

from __future__ import annotations

from decimal import Decimal

from chengqu.common import round_fen
from chengqu.incentives.measures import FactSpec

WAN = Decimal(10000)


def plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 5E+3 → '5000', 2.50 → '2.5'."""
    text = str(number)
    if "E" in text or ("." in text and text[-1] == "0"):  # else str() is already the plain form
        text = format(number.normalize(), "f")
    return text


def money_text(amount: Decimal) -> str:
    """An amount in yuan as the gazette writes it: in 万元 from ten thousand on, else in 元."""
    if amount != 0 and abs(amount) >= WAN:
        return f"{plain(amount / WAN)}万元"
    return f"{plain(amount)}元"


def fact_text(spec: FactSpec, value: object) -> str:
    """A fact's value with its unit: 8000万元, 25%, 6000m², 120场."""
    if spec.kind == "money" and isinstance(value, Decimal):
        return money_text(value)
    if isinstance(value, Decimal):
        return f"{plain(value)}{spec.unit}"
    return f"{value}{spec.unit}"


def award_text(amount: Decimal) -> str:
    """An award's amount: whole yuan as money_text writes them, else to the fen."""
    return money_text(amount) if amount % 1 == 0 else f"{round_fen(amount)}元"
