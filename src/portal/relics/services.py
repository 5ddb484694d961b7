"""Every write of the relics census: register, files, re-examination, the lead workflow, quality, import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from chengqu.common import DomainError
from chengqu.relics import (
    DamageCause,
    LeadStage,
    RecordFacts,
    ReexamOutcome,
    advance_stage,
    check_record,
    damage_opens_case,
    file_kind,
    in_district,
    parse_category,
    parse_coordinates,
    parse_level,
    parse_state,
    standard_time_point,
)
from chengqu.relics.quality import Neighbour
from chengqu.relics.quality import QualityIssue as QualityIssueFinding
from portal.accounts.models import Department, User
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot
from portal.core.hygiene import model_text
from portal.core.tables import read_table
from portal.relics.access import CENSUS_KINDS, is_bureau, is_expert, require, require_edit
from portal.relics.actions import RelicsAction
from portal.relics.models import DamageCase, QualityIssue, Reexamination, Relic, RelicFile
from portal.relics.selectors import search_text_of

TEXT_FIELDS = ("name", "address", "era", "ownership", "use", "managing_body")
# A degree of latitude is ~111 km; this window (~110 m) is wider than the duplicate radius.
WINDOW = Decimal("0.001")


# ------------------------------------------------------------------ cleaning input


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Census contents from a form or a spreadsheet row, parsed and checked (raises DomainError)."""
    out: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in data:
            # A spreadsheet row reaches here without the request check: control characters and
            # lengths are bounded here, as the model allows.
            out[name] = model_text(Relic, name, str(data[name] or "").strip())
    if "name" in out and not out["name"]:
        raise DomainError("relics.name", "名称不能为空", field="name")
    for name, parse in (
        ("level", parse_level),
        ("category", parse_category),
        ("state", parse_state),
    ):
        if name in data:
            raw = str(data[name] or "").strip()
            out[name] = parse(raw).value if raw else ""
    lon, lat = data.get("longitude"), data.get("latitude")
    if (lon not in (None, "")) != (lat not in (None, "")):
        raise DomainError("relics.coordinates", "经度和纬度须同时填写", field="longitude")
    if lon not in (None, "") and lat not in (None, ""):
        point = parse_coordinates(lon, lat)
        if not in_district(point).value:
            raise DomainError(
                "relics.outside",
                f"坐标 ({point.longitude}, {point.latitude}) 不在晋城市城区范围内, 请核对经纬度 (CGCS2000, 十进制度)",
                field="longitude",
            )
        out["longitude"], out["latitude"] = point.longitude, point.latitude
    elif "longitude" in data:
        out["longitude"] = out["latitude"] = None
    if "elevation" in data:
        raw = str(data["elevation"] if data["elevation"] is not None else "").strip()
        try:
            out["elevation"] = Decimal(raw).quantize(Decimal("0.1")) if raw else None
        except InvalidOperation:
            raise DomainError(
                "relics.elevation", f"海拔「{raw}」不是有效的数值 (米)", field="elevation"
            ) from None
    if "sensitive" in data:
        out["sensitive"] = str(data["sensitive"]).strip() in {"1", "true", "True", "是", "on", "y"}
    return out


def _neighbours(relic: Relic) -> list[Neighbour]:
    if relic.longitude is None or relic.latitude is None:
        return []
    rows = (
        Relic.objects.filter(
            longitude__range=(relic.longitude - WINDOW, relic.longitude + WINDOW),
            latitude__range=(relic.latitude - WINDOW, relic.latitude + WINDOW),
        )
        .exclude(pk=relic.pk)
        .exclude(stage=LeadStage.REJECTED.value)
    )
    return [
        Neighbour(r.code, r.name, r.longitude, r.latitude)
        for r in rows
        if r.longitude and r.latitude
    ]


def _facts(relic: Relic, photographs: int | None = None) -> RecordFacts:
    return RecordFacts(
        key=relic.code,
        name=relic.name,
        address=relic.address,
        longitude=relic.longitude,
        latitude=relic.latitude,
        level=relic.level,
        category=relic.category,
        era=relic.era,
        ownership=relic.ownership,
        use=relic.use,
        state=relic.state,
        managing_body=relic.managing_body,
        photographs=photographs
        if photographs is not None
        else relic.files.filter(kind=RelicFile.Kind.PHOTO).count(),
    )


def _refuse_same_name_duplicate(relic: Relic) -> None:
    for issue in check_record(_facts(relic, photographs=1), _neighbours(relic)).value:
        if issue.code == "duplicate.same_name":
            raise DomainError("relics.duplicate", issue.message, field="name")


def _quality_refresh(
    relic: Relic, *, neighbours: list[Neighbour] | None = None, photographs: int | None = None
) -> list[QualityIssue]:
    """Run the checks of 五(五) on one record and bring its issue list up to date (inside a transaction).

    New findings open issues; findings that went away are marked resolved; an expert's acceptance of a
    warning stands while the finding stays the same.
    """
    now = timezone.now()
    found = check_record(
        _facts(relic, photographs), neighbours if neighbours is not None else _neighbours(relic)
    ).value
    current = {i.code: i for i in relic.issues.all()} if relic.pk else {}
    seen = set()
    for finding in found:
        seen.add(finding.code)
        existing = current.get(finding.code)
        if existing is None:
            QualityIssue.objects.create(
                relic=relic,
                code=finding.code,
                severity=finding.severity,
                message=finding.message[:255],
                field=finding.field,
                clause=finding.citation.clause,
                found_at=now,
            )
        elif existing.status == QualityIssue.Status.RESOLVED:
            existing.status, existing.closed_at, existing.closed_by, existing.note = (
                QualityIssue.Status.OPEN,
                None,
                None,
                "",
            )
            existing.message, existing.found_at = finding.message[:255], now
            existing.save()
    for code, existing in current.items():
        if code not in seen and existing.status == QualityIssue.Status.OPEN:
            existing.status, existing.closed_at, existing.note = (
                QualityIssue.Status.RESOLVED,
                now,
                "复核时已不再存在",
            )
            existing.save()
    return list(relic.issues.filter(status=QualityIssue.Status.OPEN))


def _check_area(department: Department) -> None:
    if department.kind not in CENSUS_KINDS:
        raise DomainError(
            "relics.department",
            f"{department.name} 不是镇或街道, 普查以镇(街道)为基本单元",
            field="department",
        )


# ------------------------------------------------------------------ the register


def _next_code(department: Department) -> str:
    prefix = f"{department.code.upper()}-X"
    count = Relic.objects.filter(code__startswith=prefix).count() + 1
    while Relic.objects.filter(code=f"{prefix}{count:04d}").exists():
        count += 1
    return f"{prefix}{count:04d}"


@transaction.atomic
def relic_create(
    *,
    actor: User,
    department: Department,
    data: dict[str, Any],
    origin: str = Relic.Origin.NEW,
    code: str = "",
) -> Relic:
    """Record a new lead (census team, own area) or a registered relic (文物局). Source: 三(一)(二)."""
    _check_area(department)
    require_edit(actor, department.pk)
    if origin == Relic.Origin.REGISTERED:
        require(is_bureau(actor), "只有文物局可以录入已登记文物")
    fields = _clean_fields(data)
    code = (code or str(data.get("code") or "")).strip() or _next_code(department)
    if Relic.objects.filter(code=code).exists():
        raise DomainError("relics.code", f"普查编号 {code} 已存在", field="code")
    stage = LeadStage.LEAD if origin == Relic.Origin.NEW else LeadStage.REGISTERED
    relic = Relic(
        code=code,
        department=department,
        origin=origin,
        stage=stage.value,
        as_of=standard_time_point().value,
        **fields,
    )
    relic.full_clean()
    _refuse_same_name_duplicate(relic)
    relic.search_text = search_text_of(relic)
    relic.save()
    _quality_refresh(relic)
    audit_record(actor=actor, action=RelicsAction.CREATE, obj=relic, after=snapshot(relic))
    return relic


@transaction.atomic
def relic_update(*, actor: User, relic: Relic, data: dict[str, Any]) -> Relic:
    """Correct a record's census contents; a published record goes back to 已登记 until republished."""
    relic = Relic.objects.select_for_update().get(pk=relic.pk)
    require_edit(actor, relic.department_id)
    before = snapshot(relic)
    for name, value in _clean_fields(data).items():
        setattr(relic, name, value)
    relic.full_clean()
    _refuse_same_name_duplicate(relic)
    if relic.stage == LeadStage.PUBLISHED and not is_bureau(actor):
        relic.stage, relic.published_at = LeadStage.REGISTERED.value, None
    relic.search_text = search_text_of(relic)
    relic.save()
    _quality_refresh(relic)
    audit_record(
        actor=actor, action=RelicsAction.UPDATE, obj=relic, before=before, after=snapshot(relic)
    )
    return relic


@transaction.atomic
def relic_file_add(
    *, actor: User, relic: Relic, kind: str, upload: UploadedFile[Any], caption: str = ""
) -> RelicFile:
    """Attach a photograph or drawing; anything that is not an image (or PDF drawing) is refused."""
    require_edit(actor, relic.department_id)
    if kind not in RelicFile.Kind.values:
        raise DomainError("relics.file_kind", f"未知的文件类型 {kind}", field="kind")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    fmt = file_kind(head, drawing=kind == RelicFile.Kind.DRAWING, size=upload.size)
    item = RelicFile(
        relic=relic,
        kind=kind,
        format=fmt,
        size=upload.size or 0,
        caption=caption[:128],
        uploaded_by=actor,
    )
    item.file.save(f"{relic.code}-{kind}.{fmt}", upload, save=False)
    item.save()
    _quality_refresh(relic)
    audit_record(
        actor=actor,
        action=RelicsAction.FILE_ADD,
        obj=item,
        after={**snapshot(item, exclude=("file",)), "file": item.file.name},
    )
    return item


@transaction.atomic
def relic_reexamine(
    *,
    actor: User,
    relic: Relic,
    outcome: str,
    cause: str = "",
    changes: str = "",
    examined_on: date | None = None,
) -> Reexamination:
    """Record the 复查 of a registered relic; damage by people or neglect opens a case (五(一))."""
    require_edit(actor, relic.department_id)
    if relic.origin != Relic.Origin.REGISTERED:
        raise DomainError(
            "relics.reexamine",
            "复查只适用于已登记的文物; 新发现线索请走调查认定程序",
            field="outcome",
        )
    try:
        result = ReexamOutcome(outcome)
    except ValueError:
        raise DomainError("relics.outcome", f"未知的复查结果 {outcome}", field="outcome") from None
    why = None
    if cause:
        try:
            why = DamageCause(cause)
        except ValueError:
            raise DomainError("relics.cause", f"未知的损毁原因 {cause}", field="cause") from None
    opens = damage_opens_case(result, why).value
    if result is ReexamOutcome.CHANGED and not changes.strip():
        raise DomainError("relics.changes", "复查结果为“有变化”时须写明变化情况", field="changes")
    record = Reexamination.objects.create(
        relic=relic,
        outcome=result.value,
        cause=why.value if why and result in (ReexamOutcome.DAMAGED, ReexamOutcome.LOST) else "",
        changes=changes.strip(),
        examined_on=examined_on or timezone.localdate(),
        examined_by=actor,
    )
    audit_record(actor=actor, action=RelicsAction.REEXAMINE, obj=record, after=snapshot(record))
    if opens and why is not None:
        case = DamageCase.objects.create(
            relic=relic, reexamination=record, cause=why.value, opened_at=timezone.now()
        )
        audit_record(actor=actor, action=RelicsAction.CASE_OPEN, obj=case, after=snapshot(case))
    return record


@transaction.atomic
def case_close(*, actor: User, case: DamageCase, outcome: str) -> DamageCase:
    """The 文物局 closes an investigation with what was done."""
    require(is_bureau(actor), "只有文物局可以办结损毁案件")
    if not outcome.strip():
        raise DomainError("relics.case_outcome", "请填写处理结果", field="outcome")
    case = DamageCase.objects.select_for_update().get(pk=case.pk)
    before = snapshot(case)
    case.status, case.closed_at, case.outcome = (
        DamageCase.Status.CLOSED,
        timezone.now(),
        outcome.strip(),
    )
    case.save()
    audit_record(
        actor=actor, action=RelicsAction.CASE_CLOSE, obj=case, before=before, after=snapshot(case)
    )
    return case


# ------------------------------------------------------------------ leads: survey → verification → registration → publication


def _move(
    actor: User, relic: Relic, target: LeadStage, action: RelicsAction, **extra: Any
) -> Relic:
    relic = Relic.objects.select_for_update().get(pk=relic.pk)
    before = snapshot(relic)
    relic.stage = advance_stage(LeadStage(relic.stage), target).value.value
    for name, value in extra.items():
        setattr(relic, name, value)
    relic.save()
    audit_record(actor=actor, action=action, obj=relic, before=before, after=snapshot(relic))
    return relic


def _errors_open(relic: Relic) -> list[QualityIssue]:
    return list(relic.issues.filter(status=QualityIssue.Status.OPEN))


@transaction.atomic
def lead_submit(*, actor: User, relic: Relic) -> Relic:
    """The census team finishes the survey of a lead and sends it to the experts (needs complete data)."""
    require_edit(actor, relic.department_id)
    errors = [i for i in _quality_refresh(relic) if i.severity == "error"]
    if errors:
        raise DomainError(
            "relics.incomplete",
            "调查信息不完整, 不能提交认定: " + "; ".join(i.message for i in errors),
            field="stage",
        )
    return _move(actor, relic, LeadStage.SURVEYED, RelicsAction.SURVEY)


@transaction.atomic
def lead_verify(*, actor: User, relic: Relic, accept: bool, note: str) -> Relic:
    """An expert verifies (认定) a surveyed lead, rejects it, or sends it back for more survey."""
    require(is_expert(actor), "只有专家可以认定新发现文物")
    if not note.strip():
        raise DomainError("relics.note", "请填写认定意见", field="note")
    target = LeadStage.VERIFIED if accept else LeadStage.REJECTED
    return _move(
        actor, relic, target, RelicsAction.VERIFY, verified_by=actor, verified_note=note.strip()
    )


@transaction.atomic
def lead_return(*, actor: User, relic: Relic, note: str) -> Relic:
    """An expert sends a surveyed lead back to the census team."""
    require(is_expert(actor), "只有专家可以退回调查")
    return _move(actor, relic, LeadStage.LEAD, RelicsAction.RETURN, verified_note=note.strip())


@transaction.atomic
def relic_register(*, actor: User, relic: Relic) -> Relic:
    """The 文物局 registers (登记) a verified find."""
    require(is_bureau(actor), "只有文物局可以登记")
    return _move(actor, relic, LeadStage.REGISTERED, RelicsAction.REGISTER)


@transaction.atomic
def relic_publish(*, actor: User, relic: Relic) -> Relic:
    """The 文物局 publishes a registered relic; refused while any quality issue is open (五(五))."""
    require(is_bureau(actor), "只有文物局可以公布")
    open_issues = _quality_refresh(relic)
    if open_issues:
        raise DomainError(
            "relics.quality_open",
            f"{relic.name} 有 {len(open_issues)} 个未处理的质量问题, 不能公布: "
            + "; ".join(i.message for i in open_issues),
            field="stage",
        )
    return _move(
        actor, relic, LeadStage.PUBLISHED, RelicsAction.PUBLISH, published_at=timezone.now()
    )


@transaction.atomic
def relic_unpublish(*, actor: User, relic: Relic) -> Relic:
    require(is_bureau(actor), "只有文物局可以撤回公布")
    return _move(actor, relic, LeadStage.REGISTERED, RelicsAction.UNPUBLISH, published_at=None)


@transaction.atomic
def issue_accept(*, actor: User, issue: QualityIssue, note: str) -> QualityIssue:
    """An expert confirms a warning (e.g. two records close together are different relics)."""
    require(is_expert(actor), "只有专家可以确认质量问题")
    if issue.severity != "warning":
        raise DomainError(
            "relics.issue_error", "该问题必须纠正数据, 不能由专家确认放行", field="status"
        )
    if not note.strip():
        raise DomainError("relics.note", "请填写确认意见", field="note")
    issue = QualityIssue.objects.select_for_update().get(pk=issue.pk)
    before = snapshot(issue)
    issue.status, issue.closed_at, issue.closed_by, issue.note = (
        QualityIssue.Status.ACCEPTED,
        timezone.now(),
        actor,
        note.strip()[:255],
    )
    issue.save()
    audit_record(
        actor=actor,
        action=RelicsAction.ISSUE_ACCEPT,
        obj=issue,
        before=before,
        after=snapshot(issue),
    )
    return issue


# ------------------------------------------------------------------ import


IMPORT_ALIASES = {
    "普查编号": "code",
    "编号": "code",
    "名称": "name",
    "镇(街道)": "town",
    "镇街": "town",
    "所在镇(街道)": "town",
    "地址": "address",
    "经度": "longitude",
    "纬度": "latitude",
    "海拔": "elevation",
    "海拔(米)": "elevation",
    "保护级别": "level",
    "文物类别": "category",
    "类别": "category",
    "年代": "era",
    "权属": "ownership",
    "使用情况": "use",
    "保存状况": "state",
    "管理机构": "managing_body",
    "不公开坐标": "sensitive",
}
IMPORT_REQUIRED = (
    ("code", "普查编号"),
    ("name", "名称"),
    ("town", "镇(街道)"),
    ("category", "文物类别"),
    ("level", "保护级别"),
)


def _lines_near(
    grid: dict[tuple[int, int], list[tuple[int, Neighbour]]], relic: Relic
) -> list[tuple[int, Neighbour]]:
    if relic.longitude is None or relic.latitude is None:
        return []
    cx, cy = int(relic.longitude / WINDOW), int(relic.latitude / WINDOW)
    return [
        item for dx in (-1, 0, 1) for dy in (-1, 0, 1) for item in grid.get((cx + dx, cy + dy), [])
    ]


@dataclass
class ImportResult:
    created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def register_import(*, actor: User, path: Path, filename: str = "") -> ImportResult:
    """Import an existing register (xlsx/csv). Every row is checked first; one bad row and nothing is
    written, every bad row is reported with its line and field."""
    require(is_bureau(actor), "只有文物局可以导入文物名录")
    rows = read_table(path, aliases=IMPORT_ALIASES, name=filename or None)
    towns = {d.name: d for d in Department.objects.filter(kind__in=CENSUS_KINDS)}
    towns.update({d.short_name: d for d in towns.values() if d.short_name})
    towns.update({d.code: d for d in list(towns.values())})
    existing_codes = set(Relic.objects.values_list("code", flat=True))
    result = ImportResult()
    prepared: list[tuple[int, Relic]] = []
    seen: dict[str, int] = {}
    as_of = standard_time_point().value
    for row in rows:
        values = row.values

        def fail(field_name: str, message: str, line: int = row.line) -> None:
            result.errors.append({"line": line, "field": field_name, "message": message})

        missing = [
            label for key, label in IMPORT_REQUIRED if str(values.get(key, "")).strip() == ""
        ]
        if missing:
            fail(missing[0], f"缺少必填项: {'、'.join(missing)}")
            continue
        try:
            code = model_text(Relic, "code", str(values["code"]).strip())
        except DomainError as exc:
            fail("普查编号", exc.message)
            continue
        if code in existing_codes:
            fail("普查编号", f"普查编号 {code} 已在名录中")
            continue
        if code in seen:
            fail("普查编号", f"普查编号 {code} 与第 {seen[code]} 行重复")
            continue
        seen[code] = row.line
        town = towns.get(str(values["town"]).strip())
        if town is None:
            fail("镇(街道)", f"未知的镇(街道)「{values['town']}」")
            continue
        try:
            fields = _clean_fields({k: v for k, v in values.items() if k not in ("code", "town")})
        except DomainError as exc:
            label = next((k for k, v in IMPORT_ALIASES.items() if v == exc.field), exc.field or "")
            fail(label, exc.message)
            continue
        prepared.append(
            (
                row.line,
                Relic(
                    code=code,
                    department=town,
                    origin=Relic.Origin.REGISTERED,
                    stage=LeadStage.REGISTERED.value,
                    as_of=as_of,
                    **fields,
                ),
            )
        )
    # Same name at the same place: against the register and within the file.
    grid: dict[tuple[int, int], list[tuple[int, Neighbour]]] = {}

    def cell(lon: Decimal, lat: Decimal) -> tuple[int, int]:
        return int(lon / WINDOW), int(lat / WINDOW)

    existing = (
        Relic.objects.exclude(longitude=None)
        .exclude(latitude=None)
        .values_list("code", "name", "longitude", "latitude")
    )
    for code, name, lon, lat in existing.iterator(chunk_size=5000):
        if lon is None or lat is None:
            continue
        grid.setdefault(cell(lon, lat), []).append((0, Neighbour(code, name, lon, lat)))
    findings: dict[str, tuple[QualityIssueFinding, ...]] = {}
    for line, relic in prepared:
        near: list[Neighbour] = []
        if relic.longitude is not None and relic.latitude is not None:
            cx, cy = cell(relic.longitude, relic.latitude)
            near = [
                n
                for dx in (-1, 0, 1)
                for dy in (-1, 0, 1)
                for _, n in grid.get((cx + dx, cy + dy), [])
            ]
            grid.setdefault((cx, cy), []).append(
                (line, Neighbour(relic.code, relic.name, relic.longitude, relic.latitude))
            )
        found = check_record(_facts(relic, photographs=0), near).value
        findings[relic.code] = found
        for issue in found:
            if issue.code == "duplicate.same_name":
                other_line = next(
                    (
                        ln
                        for ln, n in _lines_near(grid, relic)
                        if ln and ln != line and n.key in issue.message
                    ),
                    0,
                )
                where = f" (文件第 {other_line} 行)" if other_line else ""
                result.errors.append(
                    {"line": line, "field": "名称", "message": issue.message + where}
                )
    if not rows:
        result.errors.append({"line": 1, "field": "", "message": "文件中没有数据行"})
    if result.errors:
        result.errors.sort(key=lambda e: e["line"])
        return result
    for _, relic in prepared:
        relic.search_text = search_text_of(relic)
    with transaction.atomic():
        relics = Relic.objects.bulk_create([r for _, r in prepared], batch_size=500)
        if any(r.pk is None for r in relics):  # a backend without RETURNING: read the ids back
            ids = dict(
                Relic.objects.filter(code__in=[r.code for r in relics]).values_list("code", "pk")
            )
            for r in relics:
                r.pk = ids[r.code]
        now = timezone.now()
        issues = [
            QualityIssue(
                relic=relic,
                code=finding.code,
                severity=finding.severity,
                message=finding.message[:255],
                field=finding.field,
                clause=finding.citation.clause,
                found_at=now,
            )
            for relic in relics
            for finding in findings[relic.code]
        ]
        QualityIssue.objects.bulk_create(issues, batch_size=1000)
        codes = sorted(r.code for r in relics)
        audit_record(
            actor=actor,
            action=RelicsAction.IMPORT,
            object_type="relics.relic",
            object_id="import",
            # A file name may take the whole 255 characters of the audit's object column.
            object_repr=f"导入 {(filename or path.name)[:200]}: {len(codes)} 处",
            after={"file": filename or path.name, "count": len(codes), "codes": codes},
        )
        result.created = len(codes)
    return result


_EXPORT_ACTIONS = {
    "register": RelicsAction.EXPORT_REGISTER,
    "forms": RelicsAction.EXPORT_FORMS,
}


def export_logged(*, actor: User, kind: str, count: int, filters: dict[str, Any]) -> None:
    """Log an export (五(五) 数据信息安全: who took which data out, when)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=_EXPORT_ACTIONS[kind],
            object_type="relics.relic",
            object_id="export",
            object_repr=f"导出 {kind}: {count} 条",
            after={"kind": kind, "count": count, "filters": filters},
        )
