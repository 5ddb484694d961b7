"""Does an enterprise qualify for a 4.4 exemption? Every condition of the clause, checked, with reasons.

城政办发〔2024〕1号 4.4:
- (5) short urgent warning: issue → release within 48 h (含), ≥ 12 h needed to put measures in place,
  unstable emissions meanwhile, written statement to 城区政府, approval by 市环委办; lapses when the
  episode persists.
- (7) micro emitter: non-coal, non-oil, a single pollutant component, nothing toxic or malodorous,
  at most 100 kg a year in total (seasonal producers: by day), and the list still meets the overall
  target without it; a key-industry "保障类" enterprise must be performance class B or better or
  引领性.
- (8) key construction project approved at the city level or above.
The numbers and lists are read from the rule table (``air_plan`` ``[[exemption]]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chengqu.air.measures import Exemption, exemptions
from chengqu.common.decision import Citation
from chengqu.common.errors import DomainError

CLAUSE_SHORT_WARNING = "4.4(5)"
CLAUSE_MICRO = "4.4(7)"
CLAUSE_KEY_PROJECT = "4.4(8)"
GROUND_MICRO = "micro"
GROUND_GUARANTEE = "guarantee"


@dataclass(frozen=True, slots=True)
class ExemptionFacts:
    """What the applicant states (and the office verifies); only the clause's own fields are read."""

    clause: str
    # 4.4(5)
    urgent_issue: bool = False
    warning_hours: Decimal | None = None  # from issue to (expected) release
    implementation_hours: Decimal | None = None  # time needed to put the measures in place
    emissions_unstable: bool = False
    written_statement: bool = False
    approved_by: str = ""
    persistent: bool = False
    # 4.4(7)
    ground: str = GROUND_MICRO  # "micro" (微涉气企业) or "guarantee" (重点行业保障类企业)
    annual_emissions_kg: Decimal | None = None
    seasonal: bool = False
    daily_emissions_kg: Decimal | None = None
    non_coal: bool = False
    non_oil: bool = False
    single_component: bool = False
    no_toxic_or_odour: bool = False
    overall_target_met: bool | None = None
    performance_class: str = ""
    # 4.4(8)
    key_project: bool = False
    approval_level: str = ""  # 市级 / 省级 / 国家级 / 区级 ...


@dataclass(frozen=True, slots=True)
class ExemptionDecision:
    clause: str
    eligible: bool
    failed: tuple[tuple[str, str], ...]  # (field, Chinese reason) per unmet condition
    citations: tuple[Citation, ...] = field(default=())

    def message(self) -> str:
        return "；".join(reason for _, reason in self.failed)

    def to_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "eligible": self.eligible,
            "failed": [{"field": f, "message": m} for f, m in self.failed],
            "citations": [
                {"document": c.document, "clause": c.clause, "text": c.text} for c in self.citations
            ],
        }


def _rule(clause: str) -> Exemption:
    for entry in exemptions():
        if entry.citation.clause == clause:
            return entry
    raise DomainError(
        "air.exemption_clause", "豁免依据应为 4.4(5)、4.4(7) 或 4.4(8)", field="clause"
    )


def _number(value: Any) -> Decimal:
    return Decimal(str(value))


def _short_warning(rule: Exemption, f: ExemptionFacts, failed: list[tuple[str, str]]) -> None:
    most = _number(rule.details["warning_hours_at_most"])
    least = _number(rule.details["implementation_hours_at_least"])
    if not f.urgent_issue:
        failed.append(("urgent_issue", "4.4(5) 仅适用于紧急发布的重污染天气预警"))
    if f.warning_hours is None:
        failed.append(("warning_hours", "须填写预警发布至解除的时长(小时)"))
    elif f.warning_hours < 0:
        failed.append(("warning_hours", "预警时长不能为负数"))
    elif f.warning_hours > most:
        failed.append(
            (
                "warning_hours",
                f"预警发布至解除 {f.warning_hours} 小时, 超过 {most} 小时(含), 不适用 4.4(5)",
            )
        )
    if f.implementation_hours is None:
        failed.append(("implementation_hours", "须填写落实应急减排措施到位所需时间(小时)"))
    elif f.implementation_hours < least:
        failed.append(
            (
                "implementation_hours",
                f"落实减排措施到位需 {f.implementation_hours} 小时, 不足 {least} 小时, 不适用 4.4(5)",
            )
        )
    if not f.emissions_unstable:
        failed.append(
            ("emissions_unstable", "须为落实措施过程中排放浓度波动较大、不能稳定达到限值的企业")
        )
    if not f.written_statement:
        failed.append(
            ("written_statement", f"须向{rule.details['written_statement_to']}作出书面说明")
        )
    if str(rule.details["approved_by"]) not in f.approved_by:
        failed.append(("approved_by", f"须经上报{rule.details['approved_by']}批准"))
    if f.persistent:
        failed.append(
            ("persistent", "已出现重污染天气持续情况, 企业应立即采取停产、限产措施, 豁免失效")
        )


def _micro(rule: Exemption, f: ExemptionFacts, failed: list[tuple[str, str]]) -> None:
    if f.ground == GROUND_GUARANTEE:
        allowed = [str(c) for c in rule.details["guarantee_classes"]]
        if f.performance_class.strip() not in allowed:
            shown = f.performance_class.strip() or "未评级"
            failed.append(
                (
                    "performance_class",
                    f"重点行业保障类企业应达到B级及以上或引领性绩效等级, 该企业为 {shown}",
                )
            )
        return
    if f.ground != GROUND_MICRO:
        raise DomainError(
            "air.exemption_ground",
            "4.4(7) 的豁免类型应为 micro(微涉气企业)或 guarantee(保障类企业)",
            field="ground",
        )
    limit = _number(rule.details["annual_emissions_kg_at_most"])
    for name, ok, text in (
        ("non_coal", f.non_coal, "非燃煤"),
        ("non_oil", f.non_oil, "非燃油"),
        ("single_component", f.single_component, "污染物组分单一"),
        ("no_toxic_or_odour", f.no_toxic_or_odour, "排放的大气污染物中无有毒有害及恶臭气体"),
    ):
        if not ok:
            failed.append((name, f"微涉气企业须{text}"))
    if f.seasonal:
        if f.daily_emissions_kg is None:
            failed.append(("daily_emissions_kg", "季节性生产企业须填写日排放量(千克), 以日核算"))
        else:
            days = _number(rule.details["seasonal_days_per_year"])
            per_year = f.daily_emissions_kg * days
            if per_year > limit:
                failed.append(
                    (
                        "daily_emissions_kg",
                        f"日排放量 {f.daily_emissions_kg} 千克按日核算折合 {per_year.normalize():f} 千克/年, 超过 {limit} 千克",
                    )
                )
    elif f.annual_emissions_kg is None:
        failed.append(("annual_emissions_kg", "须填写污染物年排放总量(千克)"))
    elif f.annual_emissions_kg > limit:
        failed.append(
            (
                "annual_emissions_kg",
                f"污染物年排放总量 {f.annual_emissions_kg.normalize():f} 千克, 超过微涉气企业的 {limit} 千克",
            )
        )
    if f.overall_target_met is not True:
        failed.append(
            (
                "overall_target_met",
                "须在满足总体减排要求的情况下(不计该企业后清单仍达到 4.3 的减排比例)",
            )
        )


def _key_project(rule: Exemption, f: ExemptionFacts, failed: list[tuple[str, str]]) -> None:
    if not f.key_project:
        failed.append(("key_project", "4.4(8) 仅适用于重点建设项目"))
    if f.approval_level not in [str(a) for a in rule.details["approval_levels"]]:
        shown = f.approval_level or "未填写"
        failed.append(
            ("approval_level", f"须经{rule.details['approved_by']}批准, 批准层级为 {shown}")
        )


def check_exemption(facts: ExemptionFacts) -> ExemptionDecision:
    """Every condition of the clause, with a reason per unmet one. Source: 城政办发〔2024〕1号 4.4(5)(7)(8)."""
    rule = _rule(facts.clause)
    failed: list[tuple[str, str]] = []
    if facts.clause == CLAUSE_SHORT_WARNING:
        _short_warning(rule, facts, failed)
    elif facts.clause == CLAUSE_MICRO:
        _micro(rule, facts, failed)
    elif facts.clause == CLAUSE_KEY_PROJECT:
        _key_project(rule, facts, failed)
    else:
        raise DomainError(
            "air.exemption_clause", "豁免依据应为 4.4(5)、4.4(7) 或 4.4(8)", field="clause"
        )
    return ExemptionDecision(facts.clause, not failed, tuple(failed), (rule.citation,))
