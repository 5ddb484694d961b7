"""The emission-reduction list (应急减排清单, plan 4.3, 4.4(9)): xlsx import and export, exemptions.

Import is all or nothing: every row is checked first; any error names its row and column and
nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from chengqu.air.exemptions import (
    CLAUSE_KEY_PROJECT,
    CLAUSE_MICRO,
    CLAUSE_SHORT_WARNING,
    GROUND_GUARANTEE,
    GROUND_MICRO,
    ExemptionFacts,
    check_exemption,
)
from chengqu.air.measures import exemptions
from chengqu.air.reduction import (
    POLLUTANT_LABELS,
    POLLUTANTS,
    ListEntry,
    check_reductions,
    validate_entry,
)
from chengqu.common import DomainError
from portal.accounts.models import Department, User
from portal.accounts.roles import Role, has_role, is_read_only
from portal.air.models import DistrictEmissions, EnterpriseMeasure, Exemption, ListEnterprise
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot
from portal.core.exports import append_row, saved
from portal.core.hygiene import model_text
from portal.core.tables import Row, read_table

LEVEL_PREFIX = {"III": "黄色", "II": "橙色", "I": "红色"}
SHORT = {"so2": "SO2", "nox": "NOx", "pm": "颗粒物", "vocs": "VOCs"}

BASE_COLUMNS = [
    ("year", "年度"),
    ("name", "企业名称"),
    ("credit_code", "统一社会信用代码"),
    ("industry", "行业"),
    ("performance_class", "绩效等级"),
    *[(p, f"年排放量{SHORT[p]}(吨)") for p in POLLUTANTS],
]
LEVEL_COLUMNS = [
    col
    for r, prefix in LEVEL_PREFIX.items()
    for col in [
        (f"{r}_text", f"{prefix}预警措施"),
        *[(f"{r}_{p}", f"{prefix}减排{SHORT[p]}(吨)") for p in POLLUTANTS],
    ]
]
COLUMNS = BASE_COLUMNS + LEVEL_COLUMNS
LABELS = dict(COLUMNS)
ALIASES = {label: key for key, label in COLUMNS}
PERFORMANCE_CLASSES = ("A", "B", "C", "D", "引领性", "非重点行业")
TONNES = Decimal("0.001")


class ListImportError(DomainError):
    """Several row-level errors at once; ``errors`` lists (row, column, message)."""

    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        self.errors = errors
        head = "; ".join(f"第 {row} 行 {col}: {msg}" for row, col, msg in errors[:5])
        more = f" 等共 {len(errors)} 处错误" if len(errors) > 5 else ""
        super().__init__(
            "air.import",
            f"导入失败, 未写入任何数据: {head}{more}",
            field=errors[0][1] if errors else None,
        )


@dataclass
class ParsedRow:
    line: int
    values: dict[str, Any]


def _require_office(actor: User | None) -> None:
    if actor is not None and (
        is_read_only(actor) or not has_role(actor, Role.HQ_OFFICE, Role.ADMIN)
    ):
        raise DomainError("air.forbidden", "只有区指挥部办公室可以维护应急减排清单")


def _tonnes(value: object, errors: list[tuple[int, str, str]], line: int, key: str) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors.append((line, LABELS[key], f"不是数值: {value}"))
        return Decimal(0)
    if not number.is_finite() or number < 0:
        errors.append((line, LABELS[key], f"应为非负数: {value}"))
        return Decimal(0)
    return number.quantize(TONNES)


def parse_rows(rows: list[Row]) -> list[ParsedRow]:
    errors: list[tuple[int, str, str]] = []
    parsed: list[ParsedRow] = []
    seen: dict[tuple[int, str], int] = {}
    if not rows:
        raise DomainError("air.import_empty", "文件中没有数据行")
    present = set().union(*(r.values.keys() for r in rows))
    missing = [LABELS[k] for k in ("year", "name", "credit_code") if k not in present]
    if missing:
        raise DomainError("air.import_columns", f"缺少列: {'、'.join(missing)}", field=missing[0])
    for row in rows:
        v = row.values
        line = row.line
        out: dict[str, Any] = {}
        try:
            out["year"] = int(str(v.get("year", "")).strip())
            if not 2000 <= out["year"] <= 2100:
                raise ValueError
        except ValueError:
            errors.append((line, LABELS["year"], f"应为四位年份: {v.get('year', '')}"))
            out["year"] = 0
        for key in ("name", "credit_code"):
            text = str(v.get(key, "")).strip()
            if not text:
                errors.append((line, LABELS[key], "不能为空"))
            out[key] = text
        if out["credit_code"] and len(out["credit_code"]) != 18:
            errors.append((line, LABELS["credit_code"], f"应为18位: {out['credit_code']}"))
        out["industry"] = str(v.get("industry", "")).strip()
        klass = str(v.get("performance_class", "")).strip()
        if klass and klass not in PERFORMANCE_CLASSES:
            errors.append(
                (
                    line,
                    LABELS["performance_class"],
                    f"应为 {'/'.join(PERFORMANCE_CLASSES)} 之一: {klass}",
                )
            )
        out["performance_class"] = klass
        for p in POLLUTANTS:
            out[p] = _tonnes(v.get(p), errors, line, p)
        for r in LEVEL_PREFIX:
            out[f"{r}_text"] = str(v.get(f"{r}_text", "")).strip()
            for p in POLLUTANTS:
                out[f"{r}_{p}"] = _tonnes(v.get(f"{r}_{p}"), errors, line, f"{r}_{p}")
        # A spreadsheet row passes no request check: its text is checked as the models allow.
        texts = [(key, ListEnterprise, key) for key in ("name", "credit_code", "industry")]
        for key, model, name in [
            *texts,
            *((f"{r}_text", EnterpriseMeasure, "text") for r in LEVEL_PREFIX),
        ]:
            try:
                model_text(model, name, out[key], field=key, label=LABELS[key])
            except DomainError as exc:
                errors.append((line, LABELS[key], exc.message))
        identity = (out["year"], out["credit_code"])
        if out["credit_code"] and identity in seen:
            errors.append((line, LABELS["credit_code"], f"与第 {seen[identity]} 行重复"))
        seen.setdefault(identity, line)
        entry = ListEntry(
            out["name"],
            {p: out[p] for p in POLLUTANTS},
            {r: {p: out[f"{r}_{p}"] for p in POLLUTANTS} for r in LEVEL_PREFIX},
        )
        try:
            validate_entry(entry)
        except DomainError as exc:
            column = next(
                (LABELS[f"{r}_{exc.field}"] for r in LEVEL_PREFIX if exc.field in POLLUTANTS), ""
            )
            errors.append((line, column or "减排量", exc.message))
        parsed.append(ParsedRow(line, out))
    if errors:
        raise ListImportError(errors)
    return parsed


def enterprise_unit(credit_code: str) -> Department | None:
    """The enterprise unit whose code is the credit code (how enterprise accounts are registered)."""
    return Department.objects.filter(
        kind=Department.Kind.ENTERPRISE, code__iexact=credit_code.strip()
    ).first()


@transaction.atomic
def list_import(*, path: Path, actor: User | None) -> int:
    """Create or update the enterprises of the file (by year and credit code); all rows or none."""
    _require_office(actor)
    parsed = parse_rows(read_table(path, aliases=ALIASES))
    count = 0
    for row in parsed:
        v = row.values
        ent = (
            ListEnterprise.objects.select_for_update()
            .filter(year=v["year"], credit_code=v["credit_code"])
            .first()
        )
        before = snapshot(ent) if ent else None
        ent = ent or ListEnterprise(year=v["year"], credit_code=v["credit_code"])
        for field in ("name", "industry", "performance_class", *POLLUTANTS):
            setattr(ent, field, v[field])
        if ent.department_id is None:
            ent.department = enterprise_unit(v["credit_code"])
        ent.save()
        for r in LEVEL_PREFIX:
            EnterpriseMeasure.objects.update_or_create(
                enterprise=ent,
                response=r,
                defaults={"text": v[f"{r}_text"], **{p: v[f"{r}_{p}"] for p in POLLUTANTS}},
            )
        after = {
            **snapshot(ent),
            "measures": {r: {p: v[f"{r}_{p}"] for p in POLLUTANTS} for r in LEVEL_PREFIX},
        }
        audit_record(actor=actor, action="air.list.import_row", obj=ent, before=before, after=after)
        count += 1
    return count


def list_export(year: int) -> bytes:
    """The year's list as .xlsx, in the import's columns (so it can be edited and imported back)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{year}年应急减排清单"
    append_row(sheet, [label for _, label in COLUMNS])
    for ent in (
        ListEnterprise.objects.filter(year=year).prefetch_related("measures").order_by("name")
    ):
        measures = {m.response: m for m in ent.measures.all()}
        row: list[Any] = [ent.year, ent.name, ent.credit_code, ent.industry, ent.performance_class]
        row += [float(getattr(ent, p)) for p in POLLUTANTS]
        for r in LEVEL_PREFIX:
            m = measures.get(r)
            row.append(m.text if m else "")
            row += [float(getattr(m, p)) if m else 0 for p in POLLUTANTS]
        append_row(sheet, row)
    return saved(book)


@transaction.atomic
def district_emissions_set(
    *, year: int, values: dict[str, Decimal | None], actor: User | None
) -> DistrictEmissions:
    _require_office(actor)
    for p, v in values.items():
        if v is not None and v < 0:
            raise DomainError(
                "air.emission_negative", f"{POLLUTANT_LABELS[p]}排放总量不能为负数", field=p
            )
    row = DistrictEmissions.objects.select_for_update().filter(year=year).first()
    before = snapshot(row) if row else None
    row = row or DistrictEmissions(year=year)
    for p in POLLUTANTS:
        value = values.get(p)
        setattr(row, p, None if value is None else value.quantize(TONNES))
    row.save()
    audit_record(
        actor=actor,
        action="air.district_emissions.set",
        obj=row,
        before=before,
        after=snapshot(row),
    )
    return row


def micro_emitter_limit_kg() -> Decimal:
    """4.4(7): 污染物年排放总量100千克以下 (以下 includes 100)."""
    entry = next(e for e in exemptions() if e.id == "micro-emitter")
    return Decimal(str(entry.details["annual_emissions_kg_at_most"]))


_TRUE = {"1", "true", "on", "yes", "是"}


def _flag(raw: Mapping[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    return value is True or str(value).strip().lower() in _TRUE


def _hours(raw: Mapping[str, Any], key: str, label: str) -> Decimal | None:
    value = raw.get(key)
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise DomainError("air.exemption_value", f"{label}应为数值: {value}", field=key) from None
    if not number.is_finite():
        raise DomainError("air.exemption_value", f"{label}应为有限数值: {value}", field=key)
    return number


def target_met_without(enterprise: ListEnterprise, responses: list[str]) -> bool | None:
    """Does the year's list still reach the 4.3 shares at ``responses`` without this enterprise?

    None when a district total is missing (the condition of 4.4(7) cannot be confirmed).
    """
    totals = DistrictEmissions.objects.filter(year=enterprise.year).first()
    district = {p: (getattr(totals, p) if totals else None) for p in POLLUTANTS}
    entries = []
    for ent in ListEnterprise.objects.filter(year=enterprise.year).prefetch_related(
        "measures", "exemptions"
    ):
        reductions = {
            m.response: {p: getattr(m, p) for p in POLLUTANTS} for m in ent.measures.all()
        }
        exempt = set().union(*(e.response_set() for e in ent.exemptions.all()))
        if ent.pk == enterprise.pk:
            exempt |= set(responses)
        entries.append(
            ListEntry(
                ent.name, {p: getattr(ent, p) for p in POLLUTANTS}, reductions, frozenset(exempt)
            )
        )
    checks = [c for c in check_reductions(district, entries) if c.response in responses]
    if any(c.share_percent is None for c in checks):
        return None
    return all(c.met for c in checks)


def exemption_facts(
    *,
    enterprise: ListEnterprise,
    clause: str,
    responses: list[str],
    approved_by: str,
    raw: Mapping[str, Any],
) -> ExemptionFacts:
    """The facts of an application: the form's statements, and what the list itself says (emissions,
    performance class, whether the overall target still holds without the enterprise)."""
    ground = str(raw.get("ground") or GROUND_MICRO)
    facts = ExemptionFacts(clause=clause, ground=ground, approved_by=approved_by)
    if clause == CLAUSE_SHORT_WARNING:
        return replace(
            facts,
            urgent_issue=_flag(raw, "urgent_issue"),
            warning_hours=_hours(raw, "warning_hours", "预警发布至解除时长"),
            implementation_hours=_hours(raw, "implementation_hours", "减排措施落实到位所需时间"),
            emissions_unstable=_flag(raw, "emissions_unstable"),
            written_statement=_flag(raw, "written_statement"),
            persistent=_flag(raw, "persistent"),
        )
    if clause == CLAUSE_MICRO:
        if ground == GROUND_GUARANTEE:
            return replace(facts, performance_class=enterprise.performance_class)
        total_kg = sum((getattr(enterprise, p) for p in POLLUTANTS), Decimal(0)) * 1000
        return replace(
            facts,
            annual_emissions_kg=total_kg,
            seasonal=_flag(raw, "seasonal"),
            daily_emissions_kg=_hours(raw, "daily_emissions_kg", "日排放量"),
            non_coal=_flag(raw, "non_coal"),
            non_oil=_flag(raw, "non_oil"),
            single_component=_flag(raw, "single_component"),
            no_toxic_or_odour=_flag(raw, "no_toxic_or_odour"),
            overall_target_met=target_met_without(enterprise, responses),
        )
    if clause == CLAUSE_KEY_PROJECT:
        return replace(
            facts,
            key_project=_flag(raw, "key_project"),
            approval_level=str(raw.get("approval_level", "")).strip(),
        )
    raise DomainError(
        "air.exemption_clause", "豁免依据应为 4.4(5)、4.4(7) 或 4.4(8)", field="clause"
    )


def _facts_json(facts: ExemptionFacts) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in asdict(facts).items():
        out[key] = format(value, "f") if isinstance(value, Decimal) else value
    return out


@transaction.atomic
def exemption_record(
    *,
    enterprise: ListEnterprise,
    clause: str,
    responses: list[str],
    reason: str,
    approved_by: str,
    approval_ref: str,
    approved_on: date,
    actor: User,
    facts: Mapping[str, Any] | None = None,
) -> Exemption:
    """Record an approved exemption after checking every condition of its clause (4.4 (5), (7), (8)).

    The approval itself is the authority's; the platform refuses one whose conditions are not met
    and keeps the facts it was granted on.
    """
    _require_office(actor)
    if clause not in Exemption.Clause.values:
        raise DomainError(
            "air.exemption_clause", "豁免依据应为 4.4(5)、4.4(7) 或 4.4(8)", field="clause"
        )
    chosen = [r for r in responses if r in LEVEL_PREFIX]
    if not chosen:
        raise DomainError("air.exemption_levels", "请选择适用的响应级别", field="responses")
    for field, value in (
        ("reason", reason),
        ("approved_by", approved_by),
        ("approval_ref", approval_ref),
    ):
        if not value.strip():
            raise DomainError(
                "air.exemption_missing", "豁免须写明理由、批准机关和批准文号", field=field
            )
    stated = exemption_facts(
        enterprise=enterprise,
        clause=clause,
        responses=chosen,
        approved_by=approved_by,
        raw=facts or {},
    )
    decision = check_exemption(stated)
    if not decision.eligible:
        first = decision.failed[0][0]
        raise DomainError(
            "air.exemption_conditions",
            f"{enterprise.name} 不符合 {clause} 的豁免条件: {decision.message()}",
            field=first,
        )
    exemption = Exemption.objects.create(
        enterprise=enterprise,
        clause=clause,
        responses=",".join(chosen),
        reason=reason.strip(),
        approved_by=approved_by.strip(),
        approval_ref=approval_ref.strip(),
        approved_on=approved_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
        ground=stated.ground if clause == CLAUSE_MICRO else "",
        facts=_facts_json(stated),
    )
    audit_record(
        actor=actor, action="air.exemption.record", obj=exemption, after=snapshot(exemption)
    )
    return exemption
