"""Who may borrow from the bridge-loan fund, what they must file, and how much they may borrow."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from typing import Any

from chengqu.common import Citation, Decision, DomainError
from chengqu.fund.rules import DocumentItem, FactRule, clause_citation, fund_rules
from chengqu.fund.terms import citations_json, money


class EntityKind(StrEnum):
    """The kind of market entity (市场主体): 第十三条(三) and 第十六条 treat them apart."""

    ENTERPRISE = "enterprise"  # 企业
    INDIVIDUAL = "individual"  # 个体工商户


class LoanKind(StrEnum):
    """The kind of maturing bank business (第三条): only working-capital loans qualify."""

    WORKING_CAPITAL = "working_capital"  # 流动资金贷款
    PROJECT = "project"  # 项目贷款
    OFF_BALANCE_SHEET = "off_balance_sheet"  # 表外融资
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Applicant:
    """What the reviewer established about an applicant. ``None`` means not yet established.

    Conditions (第十三条) must be True; exclusions (第十四条) must be False. Facts that do not
    apply to the entity's kind (an enterprise's legal representative for a 个体工商户) are
    ignored.
    """

    kind: EntityKind
    loan_kind: LoanKind = LoanKind.WORKING_CAPITAL
    # 第十三条(一)
    operating_normally: bool | None = None
    good_prospects: bool | None = None
    fits_industrial_policy: bool | None = None
    # 第十三条(二)
    pays_tax_in_district: bool | None = None
    licences_complete: bool | None = None
    # 第十三条(三)
    entity_credit_clean: bool | None = None
    legal_rep_credit_clean: bool | None = None
    controller_credit_clean: bool | None = None
    sound_accounting: bool | None = None
    operator_credit_clean: bool | None = None
    # 第十三条(四)
    has_renewal_difficulty: bool | None = None
    bank_confirms_renewal: bool | None = None
    # 第十四条
    on_closure_or_obsolete_capacity_list: bool | None = None
    defaulted_on_repayment: bool | None = None
    owes_fees: bool | None = None
    misused_funds: bool | None = None

    def fact(self, name: str) -> bool | None:
        value = getattr(self, name)
        if value is not None and not isinstance(value, bool):
            raise DomainError(
                "fund.fact", f"事实 {name} 必须是 是/否/未核实, 收到: {value!r}", field=name
            )
        return value


FACT_NAMES = tuple(f.name for f in fields(Applicant) if f.name not in ("kind", "loan_kind"))


@dataclass(frozen=True, slots=True)
class Finding:
    """One condition not met or not yet established: the fact, the clause, a Chinese message."""

    fact: str
    clause: str
    message: str


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The review of 第三条, 第十三条 and 第十四条.

    ``eligible`` only when nothing failed and nothing is unknown; ``failures`` name each
    condition not met or exclusion that applies; ``unknown`` the facts still to verify.
    """

    eligible: bool
    failures: tuple[Finding, ...]
    unknown: tuple[Finding, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "failures": [
                {"fact": f.fact, "clause": f.clause, "message": f.message} for f in self.failures
            ],
            "unknown": [
                {"fact": f.fact, "clause": f.clause, "message": f.message} for f in self.unknown
            ],
        }


def _applies(fact: str, kind: EntityKind) -> bool:
    rules = fund_rules()
    if kind is EntityKind.INDIVIDUAL:
        return fact not in rules.enterprise_only_facts
    return fact not in rules.individual_only_facts


def _check(
    rule: FactRule,
    applicant: Applicant,
    *,
    wanted: bool,
    failures: list[Finding],
    unknown: list[Finding],
) -> bool:
    labels = fund_rules().fact_labels
    met = True
    for fact in rule.facts:
        if not _applies(fact, applicant.kind):
            continue
        value = applicant.fact(fact)
        if value is None:
            unknown.append(Finding(fact, rule.clause, f"待核实: {labels[fact]}"))
            met = False
        elif value is not wanted:
            word = "不符合" if wanted else "属于不得申报情形"
            failures.append(Finding(fact, rule.clause, f"{word}: {labels[fact]}"))
            met = False
    return met


def check_eligibility(applicant: Applicant) -> Decision[Eligibility]:
    """Whether an applicant may use the fund: each condition and exclusion named and cited.

    第三条: the maturing business must be a working-capital loan. 第十三条: every condition
    must hold (the credit and accounting items apply to enterprises, the operator's credit to
    个体工商户). 第十四条: no exclusion may apply (原则上: an exception is a human decision
    recorded outside this function). Unestablished facts keep the answer at not eligible.

    Source: 城政办发〔2024〕6号 第三条、第十三条、第十四条
    """
    rules = fund_rules()
    if not isinstance(applicant, Applicant):
        raise DomainError("fund.applicant", "申请人信息格式不正确", field="applicant")
    kind = EntityKind(applicant.kind)
    loan_kind = LoanKind(applicant.loan_kind)
    failures: list[Finding] = []
    unknown: list[Finding] = []
    citations: list[Citation] = []
    scope = rules.cite("scope")
    if loan_kind.value not in rules.scope_allowed:
        label = rules.scope_labels.get(loan_kind.value, loan_kind.value)
        failures.append(
            Finding(
                "loan_kind",
                scope.clause,
                f"应急周转资金只适用于流动资金贷款转贷续贷, 不适用于{label}",
            )
        )
        citations.append(scope)
    checks = [(rule, True) for rule in rules.conditions] + [
        (rule, False) for rule in rules.exclusions
    ]
    citations.extend(
        clause_citation(rule.clause, rule.text)
        for rule, wanted in checks
        if not _check(rule, applicant, wanted=wanted, failures=failures, unknown=unknown)
    )
    eligible = not failures and not unknown
    if eligible:
        citations = [scope, rules.cite("eligibility"), rules.cite("exclusions")]
    notes: list[str] = []
    if kind is EntityKind.INDIVIDUAL:
        notes.append("个体工商户: 第十三条(三)只要求经营者无征信不良记录")
    if any(f.clause.startswith("art_14") for f in failures):
        notes.append("第十四条为“原则上不得申报”: 例外须由承办主体和区金融办另行决定并记录理由")
    return Decision(
        Eligibility(eligible, tuple(failures), tuple(unknown)),
        tuple(dict.fromkeys(citations)),
        tuple(notes),
    )


# ---------------------------------------------------------------- documents (第十五条、第十六条)


class Stage(StrEnum):
    """Which checklist: what the bank files (第十五条) or what the operator collects (第十六条)."""

    APPLICATION = "application"
    REVIEW = "review"


def document_checklist(stage: Stage, kind: EntityKind) -> tuple[DocumentItem, ...]:
    """The documents of a stage for a kind of entity, labelled for it, in the 办法's order.

    Source: 城政办发〔2024〕6号 第十五条、第十六条
    """
    rules = fund_rules()
    items = (
        rules.application_documents if Stage(stage) is Stage.APPLICATION else rules.review_documents
    )
    out: list[DocumentItem] = []
    for item in items:
        if item.enterprise_only and EntityKind(kind) is EntityKind.INDIVIDUAL:
            continue
        label = item.label_enterprise if kind is EntityKind.ENTERPRISE else item.label_individual
        out.append(
            DocumentItem(
                key=item.key,
                label=label or item.label,
                clause=item.clause,
                text=item.text,
                required=item.required,
                enterprise_only=item.enterprise_only,
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Checklist:
    """A stage's checklist against what was provided: ``missing`` names each required item."""

    stage: Stage
    complete: bool
    missing: tuple[DocumentItem, ...]
    provided: tuple[DocumentItem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage.value,
            "complete": self.complete,
            "missing": [{"key": i.key, "label": i.label, "clause": i.clause} for i in self.missing],
            "provided": [i.key for i in self.provided],
        }


def missing_documents(
    stage: Stage, kind: EntityKind, provided: Iterable[str]
) -> Decision[Checklist]:
    """What the checklist of ``stage`` still lacks, given the keys of the documents provided.

    其它资料 is listed but never missing. An unknown key is refused, so a typo cannot
    pass for a document. Source: 城政办发〔2024〕6号 第十五条、第十六条
    """
    stage = Stage(stage)
    checklist = document_checklist(stage, EntityKind(kind))
    keys = set(provided)
    known = {item.key for item in checklist}
    stray = keys - known
    if stray:
        raise DomainError(
            "fund.document_unknown",
            f"不在{'第十五条' if stage is Stage.APPLICATION else '第十六条'}资料清单中的资料: "
            + "、".join(sorted(stray)),
            field="provided",
        )
    missing = tuple(item for item in checklist if item.required and item.key not in keys)
    given = tuple(item for item in checklist if item.key in keys)
    rules = fund_rules()
    citations = [rules.cite(f"documents.{stage.value}")]
    citations += [clause_citation(item.clause, item.text) for item in missing]
    notes = tuple(f"缺少: {item.label}" for item in missing)
    return Decision(Checklist(stage, not missing, missing, given), tuple(citations), notes)


# ---------------------------------------------------------------- amount (第二条、第七条、第十五条(一))


@dataclass(frozen=True, slots=True)
class AmountCheck:
    """The requested amount against the maturing loan, the bank's renewal and the fund."""

    ok: bool
    amount: Decimal
    problems: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "amount": f"{self.amount:.2f}", "problems": list(self.problems)}


def check_amount(
    *,
    requested: Decimal | int | str,
    maturing_due: Decimal | int | str,
    renewal_amount: Decimal | int | str,
    available: Decimal | int | str,
) -> Decision[AmountCheck]:
    """Whether a bridge of ``requested`` yuan may be lent.

    It may not exceed what the maturing loan requires to be repaid (the fund bridges a repayment,
    第二条、第三条), the bank's promised new loan must be no lower than it (第十五条(一)), and the
    fund's available balance must cover it (closed, self-contained operation, 第七条).

    Source: 城政办发〔2024〕6号 第二条、第三条、第七条、第十五条(一)
    """
    rules = fund_rules()
    amount = money(requested, "requested", "申请使用金额")
    due = money(maturing_due, "maturing_due", "到期贷款应还金额")
    renewal = money(renewal_amount, "renewal_amount", "银行同意续贷金额", zero_ok=True)
    balance = money(available, "available", "资金可用余额", zero_ok=True)
    problems: list[str] = []
    citations: list[Citation] = []
    if amount > due:
        problems.append(f"申请金额 {amount} 元超过到期贷款应还金额 {due} 元")
        citations.append(rules.cite("purpose"))
        citations.append(rules.cite("scope"))
    if renewal < amount:
        problems.append(f"银行同意续贷金额 {renewal} 元低于还款额 {amount} 元(须不低于还款额)")
        citations.append(rules.cite("renewal_amount"))
    if amount > balance:
        problems.append(f"申请金额 {amount} 元超过资金可用余额 {balance} 元")
        citations.append(rules.cite("fund"))
    if not problems:
        citations = [rules.cite("purpose"), rules.cite("renewal_amount"), rules.cite("fund")]
    return Decision(
        AmountCheck(not problems, amount, tuple(problems)), tuple(dict.fromkeys(citations))
    )


def decision_json(decision: Decision[Any]) -> dict[str, Any]:
    """A decision whose value has ``as_dict`` as one JSON-ready object (value, citations, notes)."""
    value = decision.value
    body = value.as_dict() if hasattr(value, "as_dict") else value
    return {
        "value": body,
        "citations": citations_json(decision.citations),
        "notes": list(decision.notes),
    }
