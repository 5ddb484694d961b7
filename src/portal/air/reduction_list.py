"""The emission-reduction list (应急减排清单, plan 4.3, 4.4(9)): xlsx import and export, exemptions.

Import is all or nothing: every row is checked first; any error names its row and column and
nothing is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from chengqu.air.measures import exemptions
from chengqu.air.reduction import POLLUTANT_LABELS, POLLUTANTS, ListEntry, validate_entry
from chengqu.common import DomainError
from portal.accounts.models import User
from portal.accounts.roles import Role, has_role, is_read_only
from portal.air.models import DistrictEmissions, EnterpriseMeasure, Exemption, ListEnterprise
from portal.audit.services import audit_record, snapshot
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
    for col in [(f"{r}_text", f"{prefix}预警措施"), *[(f"{r}_{p}", f"{prefix}减排{SHORT[p]}(吨)") for p in POLLUTANTS]]
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
        super().__init__("air.import", f"导入失败, 未写入任何数据: {head}{more}", field=errors[0][1] if errors else None)


@dataclass
class ParsedRow:
    line: int
    values: dict[str, Any]


def _require_office(actor: User | None) -> None:
    if actor is not None and (is_read_only(actor) or not has_role(actor, Role.HQ_OFFICE, Role.ADMIN)):
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
            errors.append((line, LABELS["performance_class"], f"应为 {'/'.join(PERFORMANCE_CLASSES)} 之一: {klass}"))
        out["performance_class"] = klass
        for p in POLLUTANTS:
            out[p] = _tonnes(v.get(p), errors, line, p)
        for r in LEVEL_PREFIX:
            out[f"{r}_text"] = str(v.get(f"{r}_text", "")).strip()
            for p in POLLUTANTS:
                out[f"{r}_{p}"] = _tonnes(v.get(f"{r}_{p}"), errors, line, f"{r}_{p}")
        identity = (out["year"], out["credit_code"])
        if out["credit_code"] and identity in seen:
            errors.append((line, LABELS["credit_code"], f"与第 {seen[identity]} 行重复"))
        seen.setdefault(identity, line)
        entry = ListEntry(
            out["name"], {p: out[p] for p in POLLUTANTS},
            {r: {p: out[f"{r}_{p}"] for p in POLLUTANTS} for r in LEVEL_PREFIX},
        )
        try:
            validate_entry(entry)
        except DomainError as exc:
            column = next((LABELS[f"{r}_{exc.field}"] for r in LEVEL_PREFIX if exc.field in POLLUTANTS), "")
            errors.append((line, column or "减排量", exc.message))
        parsed.append(ParsedRow(line, out))
    if errors:
        raise ListImportError(errors)
    return parsed


@transaction.atomic
def list_import(*, path: Path, actor: User | None) -> int:
    """Create or update the enterprises of the file (by year and credit code); all rows or none."""
    _require_office(actor)
    parsed = parse_rows(read_table(path, aliases=ALIASES))
    count = 0
    for row in parsed:
        v = row.values
        ent = ListEnterprise.objects.select_for_update().filter(year=v["year"], credit_code=v["credit_code"]).first()
        before = snapshot(ent) if ent else None
        ent = ent or ListEnterprise(year=v["year"], credit_code=v["credit_code"])
        for field in ("name", "industry", "performance_class", *POLLUTANTS):
            setattr(ent, field, v[field])
        ent.save()
        for r in LEVEL_PREFIX:
            EnterpriseMeasure.objects.update_or_create(
                enterprise=ent, response=r,
                defaults={"text": v[f"{r}_text"], **{p: v[f"{r}_{p}"] for p in POLLUTANTS}},
            )
        after = {**snapshot(ent), "measures": {r: {p: v[f"{r}_{p}"] for p in POLLUTANTS} for r in LEVEL_PREFIX}}
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
    sheet.append([label for _, label in COLUMNS])
    for ent in ListEnterprise.objects.filter(year=year).prefetch_related("measures").order_by("name"):
        measures = {m.response: m for m in ent.measures.all()}
        row: list[Any] = [ent.year, ent.name, ent.credit_code, ent.industry, ent.performance_class]
        row += [float(getattr(ent, p)) for p in POLLUTANTS]
        for r in LEVEL_PREFIX:
            m = measures.get(r)
            row.append(m.text if m else "")
            row += [float(getattr(m, p)) if m else 0 for p in POLLUTANTS]
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def district_emissions_set(*, year: int, values: dict[str, Decimal | None], actor: User | None) -> DistrictEmissions:
    _require_office(actor)
    for p, v in values.items():
        if v is not None and v < 0:
            raise DomainError("air.emission_negative", f"{POLLUTANT_LABELS[p]}排放总量不能为负数", field=p)
    row = DistrictEmissions.objects.select_for_update().filter(year=year).first()
    before = snapshot(row) if row else None
    row = row or DistrictEmissions(year=year)
    for p in POLLUTANTS:
        value = values.get(p)
        setattr(row, p, None if value is None else value.quantize(TONNES))
    row.save()
    audit_record(actor=actor, action="air.district_emissions.set", obj=row, before=before, after=snapshot(row))
    return row


def micro_emitter_limit_kg() -> Decimal:
    """4.4(7): 污染物年排放总量100千克以下 (以下 includes 100)."""
    entry = next(e for e in exemptions() if e.id == "micro-emitter")
    return Decimal(str(entry.details["annual_emissions_kg_at_most"]))


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
) -> Exemption:
    """Record an approved exemption (4.4 (5), (7), (8)); the approval itself is the authority's."""
    _require_office(actor)
    if clause not in Exemption.Clause.values:
        raise DomainError("air.exemption_clause", "豁免依据应为 4.4(5)、4.4(7) 或 4.4(8)", field="clause")
    chosen = [r for r in responses if r in LEVEL_PREFIX]
    if not chosen:
        raise DomainError("air.exemption_levels", "请选择适用的响应级别", field="responses")
    if clause == Exemption.Clause.MICRO_EMITTER:
        limit_kg = micro_emitter_limit_kg()
        total_kg = sum((getattr(enterprise, p) for p in POLLUTANTS), Decimal(0)) * 1000
        if total_kg > limit_kg:
            raise DomainError(
                "air.exemption_micro",
                f"{enterprise.name} 年排放总量 {total_kg.normalize():f} 千克, 超过微涉气企业的 {limit_kg} 千克, 不适用 4.4(7)",
                field="clause",
            )
    for field, value in (("reason", reason), ("approved_by", approved_by), ("approval_ref", approval_ref)):
        if not value.strip():
            raise DomainError("air.exemption_missing", "豁免须写明理由、批准机关和批准文号", field=field)
    exemption = Exemption.objects.create(
        enterprise=enterprise, clause=clause, responses=",".join(chosen), reason=reason.strip(),
        approved_by=approved_by.strip(), approval_ref=approval_ref.strip(), approved_on=approved_on,
        recorded_at=timezone.now(), recorded_by=actor,
    )
    audit_record(actor=actor, action="air.exemption.record", obj=exemption, after=snapshot(exemption))
    return exemption
