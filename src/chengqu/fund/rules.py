"""The bridge-loan fund's rule table, read once into typed values with their citations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from chengqu.common import Citation, DomainError, from_wan
from chengqu.rules import cite, dec, load_table

TABLE = "fund_bridge_loan"


@dataclass(frozen=True, slots=True)
class DocumentItem:
    """One entry of a document checklist (第十五条 or 第十六条).

    ``required`` is False for the open-ended 其它资料; ``enterprise_only`` marks what a
    个体工商户 cannot have (公司章程).
    """

    key: str
    label: str
    clause: str
    text: str
    required: bool
    enterprise_only: bool = False
    label_enterprise: str = ""
    label_individual: str = ""


@dataclass(frozen=True, slots=True)
class FactRule:
    """A condition (第十三条) or an exclusion (第十四条) and the applicant facts that decide it."""

    clause: str
    text: str
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FundRules:
    """Every number and clause of the 办法 the fund module uses."""

    document: str
    title: str
    effective: date
    expires: date
    validity_years: int
    daily_rate: Decimal
    daily_rate_as_written: str
    max_use_days: int
    min_fee_days: int
    only_charge: str
    signoff_workdays: int
    renewal_target_days: int
    renewal_max_days: int
    fund_size: Decimal
    management_share: Decimal
    reserve_share: Decimal
    reserve_cap_share: Decimal
    conditions: tuple[FactRule, ...]
    exclusions: tuple[FactRule, ...]
    fact_labels: dict[str, str]
    enterprise_only_facts: frozenset[str]
    individual_only_facts: frozenset[str]
    application_documents: tuple[DocumentItem, ...]
    review_documents: tuple[DocumentItem, ...]
    scope_allowed: frozenset[str]
    scope_labels: dict[str, str]
    chapters: tuple[tuple[int, int, str], ...]
    attachment: str
    citations: dict[str, Citation]

    def cite(self, section: str) -> Citation:
        """The citation of a section of the table (``fee``, ``signoff``, ``reserve`` …)."""
        try:
            return self.citations[section]
        except KeyError:
            raise DomainError(
                "fund.rules_section", f"规则表 {TABLE} 中没有条款 {section}"
            ) from None


def _int(value: object, where: str) -> int:
    number = dec(value, where=where)
    if number != number.to_integral_value():
        raise DomainError("rules.value", f"规则表数值应为整数: {where} = {value!r}")
    return int(number)


def _items(table: dict[str, Any], stage: str) -> tuple[DocumentItem, ...]:
    return tuple(
        DocumentItem(
            key=str(item["key"]),
            label=str(item["label"]),
            clause=str(item["clause"]),
            text=str(item["text"]),
            required=bool(item["required"]),
            enterprise_only=bool(item.get("enterprise_only", False)),
            label_enterprise=str(item.get("label_enterprise", "")),
            label_individual=str(item.get("label_individual", "")),
        )
        for item in table["documents"][stage]["items"]
    )


def _fact_rules(section: dict[str, Any], key: str) -> tuple[FactRule, ...]:
    return tuple(
        FactRule(str(entry["clause"]), str(entry["text"]), tuple(str(f) for f in entry["facts"]))
        for entry in section[key]
    )


_CITED_SECTIONS = (
    "validity",
    "purpose",
    "scope",
    "fund",
    "termination",
    "fee",
    "management_cost",
    "surplus",
    "eligibility",
    "exclusions",
    "signoff",
    "renewal",
    "repayment",
    "renewal_amount",
    "recall",
    "bank_liability",
    "reserve",
)


@lru_cache(maxsize=1)
def fund_rules() -> FundRules:
    """The rule table of 城政办发〔2024〕6号, parsed and checked once.

    Source: 城政办发〔2024〕6号 附件
    """
    table = load_table(TABLE)
    document = table["document"]
    fee = table["fee"]
    reserve = table["reserve"]
    citations = {name: cite(table, table[name]) for name in _CITED_SECTIONS}
    for stage in ("application", "review"):
        citations[f"documents.{stage}"] = cite(table, table["documents"][stage])
    facts = table["facts"]
    applies = facts["applies"]
    labels = {key: str(value) for key, value in facts.items() if isinstance(value, str)}
    conditions = _fact_rules(table["eligibility"], "conditions")
    exclusions = _fact_rules(table["exclusions"], "items")
    unknown = {f for rule in (*conditions, *exclusions) for f in rule.facts} - labels.keys()
    if unknown:
        raise DomainError(
            "rules.value", f"规则表 {TABLE} 的条件引用了未定义的事实: {sorted(unknown)}"
        )
    expires = document.get("expires")
    if not isinstance(expires, date):
        raise DomainError("rules.document", f"规则表 {TABLE} 必须写明 expires")
    return FundRules(
        document=str(document["number"]),
        title=str(document["title"]),
        effective=document["effective"],
        expires=expires,
        validity_years=_int(table["validity"]["years"], "validity.years"),
        daily_rate=dec(fee["daily_rate"], where="fee.daily_rate"),
        daily_rate_as_written=str(fee["daily_rate_as_written"]),
        max_use_days=_int(fee["max_use_days"], "fee.max_use_days"),
        min_fee_days=_int(fee["min_days"], "fee.min_days"),
        only_charge=str(fee["only_charge"]),
        signoff_workdays=_int(table["signoff"]["workdays_before_maturity"], "signoff"),
        renewal_target_days=_int(table["renewal"]["target_days"], "renewal.target_days"),
        renewal_max_days=_int(table["renewal"]["max_days"], "renewal.max_days"),
        fund_size=from_wan(dec(table["fund"]["size"], where="fund.size")),
        management_share=dec(table["management_cost"]["share"], where="management_cost.share"),
        reserve_share=dec(reserve["share_of_fee"], where="reserve.share_of_fee"),
        reserve_cap_share=dec(
            reserve["cap_share_of_paid_in"], where="reserve.cap_share_of_paid_in"
        ),
        conditions=conditions,
        exclusions=exclusions,
        fact_labels=labels,
        enterprise_only_facts=frozenset(str(f) for f in applies["enterprise_only"]),
        individual_only_facts=frozenset(str(f) for f in applies["individual_only"]),
        application_documents=_items(table, "application"),
        review_documents=_items(table, "review"),
        scope_allowed=frozenset(str(s) for s in table["scope"]["allowed"]),
        scope_labels={str(k): str(v) for k, v in table["scope"]["labels"].items()},
        chapters=tuple((int(a), int(b), str(c)) for a, b, c in table["registry"]["chapters"]),
        attachment=str(table["registry"]["attachment"]),
        citations=citations,
    )


def citation(section: str) -> Citation:
    """The citation of one rule of the 办法, by its section in the rule table.

    Sections: validity, purpose, scope, fund, termination, fee, management_cost, surplus,
    eligibility, exclusions, signoff, renewal, repayment, renewal_amount, recall,
    bank_liability, reserve, documents.application, documents.review.

    Source: 城政办发〔2024〕6号 附件
    """
    return fund_rules().cite(section)


def clause_citation(clause: str, text: str = "") -> Citation:
    """A citation of any clause of the 办法 by its id (``art_14__subpara_3``).

    Source: 城政办发〔2024〕6号 附件
    """
    return Citation(fund_rules().document, clause, text)


def registry_eid(clause: str) -> str:
    """The clause's eId inside the gazette registry's attachment: art_10 → chp_2__art_10.

    Source: 城政办发〔2024〕6号 附件 (chapter structure)
    """
    head = clause.split("__", 1)[0]
    if not head.startswith("art_") or not head[4:].isdigit():
        raise DomainError("fund.clause", f"不是本办法的条款编号: {clause}", field="clause")
    number = int(head[4:])
    for first, last, chapter in fund_rules().chapters:
        if first <= number <= last:
            return f"{chapter}__{clause}"
    raise DomainError("fund.clause", f"本办法没有第{number}条", field="clause")
