"""The farmland reclamation fee (耕地开垦费): grade rate × area, exemption, platform floor, overrides."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from chengqu.common import Citation, Decision, DomainError, round_fen, yuan
from chengqu.incentives.measures import UNIT_FACTORS
from chengqu.rules import dec, load_table

TABLE = "incentives_farmland_fee"

AreaInput = Decimal | int | str | Fraction


@dataclass(frozen=True, slots=True)
class FeeOverride:
    """A special rule that replaces the standard rate, recorded with its basis.

    ``level`` is 国家, 省 or 市; ``basis`` quotes or names the rule (required); ``document`` is
    its 文号 when known. Source: 城政发〔2024〕1号 四(一)(四).
    """

    rate_per_mu: Decimal | int | str
    basis: str
    level: str
    document: str = ""


@dataclass(frozen=True, slots=True)
class FarmlandFee:
    """The fee charged and how it was set.

    ``basis`` is one of ``standard``, ``trade_price``, ``exempt``, ``override``; ``area_mu`` is
    exact (a Fraction when the area was given in m²); ``standard_rate`` is the grade's rate.
    """

    fee: Decimal
    rate_per_mu: Decimal
    standard_rate: Decimal
    area_mu: Fraction
    grade: int
    basis: str


@dataclass(frozen=True, slots=True)
class _FeeRules:
    document: str
    effective: date
    expires: date
    rates: dict[int, Decimal]
    m2_per_mu: Fraction
    rates_cite: Citation
    exemption_cite: Citation
    trade_cite: Citation
    validity_cite: Citation
    special_cite: Citation
    new_rule_cite: Citation
    levels: tuple[str, ...]


@lru_cache(maxsize=1)
def _rules() -> _FeeRules:
    table = load_table(TABLE)
    number = str(table["document"]["number"])
    rates_section = table["rates"]
    factor = UNIT_FACTORS[str(rates_section["unit"])]
    rates = {
        int(key): dec(value, where=f"rates.{key}") * factor
        for key, value in rates_section.items()
        if key.isdigit()
    }
    area = table["area"]
    override = table["override"]
    return _FeeRules(
        document=number,
        effective=table["document"]["effective"],
        expires=table["document"]["expires"],
        rates=rates,
        m2_per_mu=Fraction(int(area["m2_per_mu_numerator"]), int(area["m2_per_mu_denominator"])),
        rates_cite=Citation(number, str(rates_section["clause"]), str(rates_section["text"])),
        exemption_cite=Citation(
            number, str(table["exemption"]["clause"]), str(table["exemption"]["text"])
        ),
        trade_cite=Citation(
            number, str(table["trade_price"]["clause"]), str(table["trade_price"]["text"])
        ),
        validity_cite=Citation(
            number, str(table["validity"]["clause"]), str(table["validity"]["text"])
        ),
        special_cite=Citation(
            number, str(override["special_clause"]), str(override["special_text"])
        ),
        new_rule_cite=Citation(
            number, str(override["new_rule_clause"]), str(override["new_rule_text"])
        ),
        levels=tuple(str(level) for level in override["levels"]),
    )


def standard_rates() -> dict[int, Decimal]:
    """Grade → yuan per 亩 as the opinion fixes it. Source: 城政发〔2024〕1号 三."""
    return dict(_rules().rates)


def _exact(value: object, field: str, label: str) -> Fraction:
    if isinstance(value, Fraction):
        number = value
    else:
        try:
            number = Fraction(yuan(value))  # type: ignore[arg-type]
        except DomainError:
            raise DomainError(
                "farmland.number",
                f"{label}({field})必须是十进制数(字符串、整数或 Decimal): {value!r}",
                field=field,
            ) from None
    if number <= 0:
        raise DomainError("farmland.positive", f"{label}({field})必须大于0: {value}", field=field)
    return number


def _money(value: object, field: str, label: str, *, zero_ok: bool = False) -> Decimal:
    try:
        amount = yuan(value)  # type: ignore[arg-type]
    except DomainError:
        raise DomainError(
            "farmland.number",
            f"{label}({field})必须是十进制数(字符串、整数或 Decimal): {value!r}",
            field=field,
        ) from None
    if amount < 0 or (amount == 0 and not zero_ok):
        raise DomainError("farmland.positive", f"{label}({field})必须大于0: {amount}", field=field)
    return amount


def _fen_half_up(amount: Fraction) -> Decimal:
    """An exact fraction of yuan rounded once to the fen, half up (四舍五入), with no float step."""
    fen = amount * 100
    sign = -1 if fen < 0 else 1
    whole = (abs(fen.numerator) * 2 + fen.denominator) // (2 * fen.denominator)
    return Decimal(sign * whole).scaleb(-2)


def _area_mu(area_mu: AreaInput | None, area_m2: AreaInput | None, rules: _FeeRules) -> Fraction:
    if (area_mu is None) == (area_m2 is None):
        raise DomainError(
            "farmland.area",
            "请给出占用耕地面积: 亩(area_mu)或平方米(area_m2)二选一",
            field="area_mu",
        )
    if area_mu is not None:
        return _exact(area_mu, "area_mu", "占用耕地面积(亩)")
    assert area_m2 is not None
    return _exact(area_m2, "area_m2", "占用耕地面积(平方米)") / rules.m2_per_mu


def quote_farmland_fee(
    *,
    grade: int,
    area_mu: AreaInput | None = None,
    area_m2: AreaInput | None = None,
    trade_price: Decimal | int | str | None = None,
    self_reclaimed: bool = False,
    on: date,
    override: FeeOverride | None = None,
) -> Decision[FarmlandFee]:
    """The 耕地开垦费 a construction project pays for the farmland it occupies, on ``on``.

    The rate is the grade's standard (7–12 等别); a trading-platform price per 亩 replaces it but
    never below the standard; a project that reclaims its own land (or commissions it) pays
    nothing; a national, provincial or city special rule, given as ``override`` with its basis,
    replaces the rate. Area in 亩 or m² (1 亩 = 10000/15 m², exact); the fee is rounded once.

    Source: 城政发〔2024〕1号 二(二)、三、四(一)(三)(四)
    """
    rules = _rules()
    if isinstance(on, datetime) or not isinstance(on, date):
        raise DomainError("farmland.date", "征收日期(on)必须是日期", field="on")
    if on < rules.effective:
        raise DomainError(
            "farmland.not_in_force",
            f"征收日期 {on.isoformat()} 早于{rules.document}施行日期 {rules.effective.isoformat()}; "
            "此前适用城政发〔2020〕15号",
            field="on",
        )
    if on > rules.expires:
        raise DomainError(
            "farmland.expired",
            f"征收日期 {on.isoformat()} 晚于{rules.document}有效期(至 {rules.expires.isoformat()})",
            field="on",
        )
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in rules.rates:
        grades = "、".join(str(g) for g in sorted(rules.rates))
        raise DomainError(
            "farmland.grade",
            f"耕地等别(grade)必须是 {grades} 等别之一, 收到: {grade!r}",
            field="grade",
        )
    if not isinstance(self_reclaimed, bool):
        raise DomainError(
            "farmland.self_reclaimed",
            "是否自行开发复垦(self_reclaimed)必须是是/否",
            field="self_reclaimed",
        )
    area = _area_mu(area_mu, area_m2, rules)
    standard = rules.rates[grade]
    citations: list[Citation] = [rules.rates_cite]
    notes: list[str] = []
    if area_m2 is not None:
        notes.append(f"面积按 1亩 = 10000/15 平方米 精确换算: {area_m2} 平方米 = {area} 亩")

    if override is not None:
        if not isinstance(override.basis, str) or not override.basis.strip():
            raise DomainError(
                "farmland.override_basis", "人工调整须写明依据(basis)", field="override"
            )
        if override.level not in rules.levels:
            raise DomainError(
                "farmland.override_level",
                f"特别规定须为{'、'.join(rules.levels)}级规定, 收到: {override.level!r}",
                field="override",
            )
        rate = _money(override.rate_per_mu, "override", "特别规定的每亩标准", zero_ok=True)
        citations += [
            rules.special_cite,
            rules.new_rule_cite,
            Citation(
                override.document or f"{override.level}级特别规定",
                "override",
                override.basis.strip(),
            ),
        ]
        notes.append(
            f"按{override.level}级特别规定执行(人工调整): 每亩{rate}元, 依据: {override.basis.strip()}; 标准为每亩{standard}元"
        )
        if self_reclaimed:
            notes.append("项目自行开发复垦, 但特别规定优先适用, 按特别规定收取")
        basis = "override"
    elif self_reclaimed:
        citations.append(rules.exemption_cite)
        notes.append(
            f"自行组织或委托代建开发复垦, 不再征收耕地开垦费(如需购买指标, 标准为每亩{standard}元)"
        )
        fee = FarmlandFee(Decimal("0.00"), Decimal("0.00"), standard, area, grade, "exempt")
        return Decision(fee, tuple(citations), tuple(notes))
    elif trade_price is not None:
        price = _money(trade_price, "trade_price", "交易平台每亩价格")
        citations.append(rules.trade_cite)
        if price >= standard:
            rate, basis = price, "trade_price"
            notes.append(f"按交易平台价格每亩{price}元收取(不低于{grade}等别标准每亩{standard}元)")
        else:
            rate, basis = standard, "standard"
            notes.append(
                f"交易平台价格每亩{price}元低于{grade}等别征收标准, 按标准每亩{standard}元收取"
            )
    else:
        rate, basis = standard, "standard"
    citations.append(rules.validity_cite)
    fee_amount = _fen_half_up(Fraction(rate) * area)
    value = FarmlandFee(fee_amount, round_fen(rate), standard, area, grade, basis)
    return Decision(value, tuple(citations), tuple(notes))


def fee_to_dict(decision: Decision[FarmlandFee]) -> dict[str, Any]:
    """``{"fee", "rate_per_mu", "citations"}`` as in issue 7 §5 (plus basis and notes)."""
    value = decision.value
    return {
        "fee": f"{value.fee:.2f}",
        "rate_per_mu": f"{value.rate_per_mu:.2f}",
        "citations": [
            {"document": c.document, "clause": c.clause, "text": c.text} for c in decision.citations
        ],
        "basis": value.basis,
        "notes": list(decision.notes),
    }


def to_json(decision: Decision[FarmlandFee], *, indent: int | None = None) -> str:
    """The fee decision as one JSON document."""
    return json.dumps(fee_to_dict(decision), ensure_ascii=False, indent=indent)
