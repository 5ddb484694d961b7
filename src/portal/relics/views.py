"""Pages of the relics census: dashboard, register, record, leads, review queue, import/export, public register."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chengqu.common import DomainError, clock
from chengqu.relics import (
    Category,
    Coordinates,
    DamageCause,
    LeadStage,
    PreservationState,
    ProtectionLevel,
    ReexamOutcome,
    is_sensitive,
    label_of,
    location_description,
    standard_time_point,
)
from chengqu.relics.quality import datum, near_metres
from portal.accounts.models import Department
from portal.accounts.roles import is_read_only
from portal.core.auth import current_user
from portal.core.exports import xlsx_response
from portal.core.uploads import refusal_error
from portal.relics import services
from portal.relics.access import (
    census_area,
    is_bureau,
    is_expert,
    may_edit,
    may_use,
    require_use,
    sees_all,
)
from portal.relics.exports import census_forms_xlsx, register_xlsx
from portal.relics.models import DamageCase, QualityIssue, Relic
from portal.relics.selectors import (
    UnitProgress,
    census_units,
    damage_case_get,
    damage_case_list,
    progress,
    published_relics,
    quality_issue_get,
    relic_file_get,
    relic_search,
    relics_for,
    review_queue,
)

PAGE_SIZE = 50
IMPORT_COLUMNS = (
    "普查编号",
    "名称",
    "镇(街道)",
    "地址",
    "经度",
    "纬度",
    "海拔",
    "保护级别",
    "文物类别",
    "年代",
    "权属",
    "使用情况",
    "保存状况",
    "管理机构",
    "不公开坐标",
)
FORM_FIELDS = (
    "name",
    "address",
    "longitude",
    "latitude",
    "elevation",
    "level",
    "category",
    "era",
    "ownership",
    "use",
    "state",
    "managing_body",
)


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(m.value, label_of(m)) for m in enum]


def _vocab() -> dict[str, Any]:
    return {
        "levels": _choices(ProtectionLevel),
        "categories": _choices(Category),
        "states": _choices(PreservationState),
        "outcomes": _choices(ReexamOutcome),
        "causes": _choices(DamageCause),
        "stages": _choices(LeadStage),
    }


def _relic(request: HttpRequest, pk: int) -> Relic:
    return get_object_or_404(relics_for(request.user), pk=pk)


def _back(relic: Relic) -> HttpResponseRedirect:
    return redirect("relics:detail", pk=relic.pk)


# ------------------------------------------------------------------ dashboard


def _unit_status(phase_key: str | None, u: UnitProgress) -> str:
    """Where a town or street stands in the phase that applies today (四(一)(二)(三))."""
    if phase_key == "phase_1":
        return "准备阶段: 梳理名录和线索"
    if phase_key == "phase_2":
        left = u.registered - u.reexamined
        return (
            f"实地调查: 尚有 {left} 处未复查, {u.leads} 条线索在调查"
            if left or u.leads
            else "实地调查: 复查已完成"
        )
    if phase_key == "phase_3":
        pending = u.awaiting_verification + u.verified - u.published
        return (
            f"认定公布: {u.awaiting_verification} 条待认定, 问题 {u.open_issues} 个"
            if pending > 0 or u.open_issues
            else "认定公布: 已完成"
        )
    return "普查已结束" if phase_key is None else ""


def index(request: HttpRequest) -> HttpResponse:
    """The census dashboard for people working on it; everyone else reads the public register."""
    if not request.user.is_authenticated or not may_use(request.user):
        return redirect("relics:public")
    report = progress(request.user, clock.today())
    bars = [
        {
            "unit": u,
            "width": min(100, u.percent) * 2,
            "status": _unit_status(report.phase.key if report.phase else None, u),
        }
        for u in report.units
    ]
    leads, warnings = review_queue(request.user)
    return render(
        request,
        "relics/index.html",
        {
            "report": report,
            "bars": bars,
            "time_point": standard_time_point(),
            "queue_count": leads.count() + warnings.count(),
            "is_bureau": is_bureau(request.user),
            "is_expert": is_expert(request.user),
            "area": census_area(request.user),
            "open_cases": damage_case_list(user=request.user, status=DamageCase.Status.OPEN)[:20],
        },
    )


# ------------------------------------------------------------------ register


@login_required
def relic_list(request: HttpRequest) -> HttpResponse:
    require_use(current_user(request))
    params = {
        k: request.GET.get(k, "").strip() for k in ("q", "category", "level", "town", "stage")
    }
    found = relic_search(relics_for(request.user), **params)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return render(
        request,
        "relics/list.html",
        {
            "page": page,
            "params": params,
            "query": query,
            "towns": _towns(request.user),
            **_vocab(),
            "is_bureau": is_bureau(request.user),
            "area": census_area(request.user),
        },
    )


def _towns(user: Any) -> QuerySet[Department]:
    area = census_area(user)
    return census_units().filter(pk=area.pk) if area else census_units()


@login_required
def relic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_use(user)
    relic = _relic(request, pk)
    return render(
        request,
        "relics/detail.html",
        {
            "relic": relic,
            "files": relic.files.all(),
            "reexams": relic.reexaminations.select_related("examined_by"),
            "issues": relic.issues.exclude(status=QualityIssue.Status.RESOLVED),
            "cases": relic.cases.all(),
            "can_edit": may_edit(user, relic.department_id),
            "is_bureau": is_bureau(user),
            "is_expert": is_expert(user) and not is_read_only(user),
            "sensitive": is_sensitive(Category(relic.category), marked=relic.sensitive)
            if relic.category
            else relic.sensitive,
            "today": clock.today().isoformat(),
            **_vocab(),
        },
    )


def _form_data(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {name: request.POST.get(name, "") for name in FORM_FIELDS}
    data["sensitive"] = request.POST.get("sensitive", "")
    return data


@login_required
def relic_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_use(user)
    towns = _towns(user)
    values: dict[str, Any] = {}
    error = None
    if request.method == "POST":
        values = _form_data(request)
        department = towns.filter(pk=request.POST.get("department") or 0).first()
        origin = request.POST.get("origin", Relic.Origin.NEW)
        try:
            if department is None:
                raise DomainError("relics.department", "请选择所在镇(街道)", field="department")
            relic = services.relic_create(
                actor=user,
                department=department,
                data=values,
                origin=origin,
                code=request.POST.get("code", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"已保存 {relic.code} {relic.name}")
            return _back(relic)
    return render(
        request,
        "relics/form.html",
        {
            "values": values,
            "error": error,
            "towns": towns,
            "is_bureau": is_bureau(user),
            "relic": None,
            "datum": datum(),
            **_vocab(),
        },
        status=400 if error else 200,
    )


@login_required
def relic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_use(user)
    relic = _relic(request, pk)
    if not may_edit(user, relic.department_id):
        raise PermissionDenied("无权修改")
    error = None
    values: dict[str, Any] = {
        n: getattr(relic, n) if getattr(relic, n) is not None else "" for n in FORM_FIELDS
    }
    values["sensitive"] = relic.sensitive
    if request.method == "POST":
        values = _form_data(request)
        try:
            services.relic_update(actor=user, relic=relic, data=values)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "已保存")
            return _back(relic)
    return render(
        request,
        "relics/form.html",
        {
            "values": values,
            "error": error,
            "relic": relic,
            "is_bureau": is_bureau(user),
            "datum": datum(),
            **_vocab(),
        },
        status=400 if error else 200,
    )


def _act(request: HttpRequest, relic: Relic, call: Any, done: str) -> HttpResponse:
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(relic)


@require_POST
@login_required
def relic_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_use(user)
    relic = _relic(request, pk)
    refused = refusal_error(request, "file")
    upload = request.FILES.get("file")
    if refused is not None or upload is None:
        messages.error(request, refused.message if refused is not None else "请选择文件")
        return _back(relic)
    return _act(
        request,
        relic,
        lambda: services.relic_file_add(
            actor=user,
            relic=relic,
            kind=request.POST.get("kind", "photo"),
            upload=upload,
            caption=request.POST.get("caption", ""),
        ),
        "文件已上传",
    )


@require_POST
@login_required
def relic_reexamine(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_use(user)
    relic = _relic(request, pk)

    def call() -> None:
        try:
            on = date.fromisoformat(request.POST.get("examined_on") or clock.today().isoformat())
        except ValueError:
            raise DomainError(
                "relics.date", "复查日期格式应为 YYYY-MM-DD", field="examined_on"
            ) from None
        services.relic_reexamine(
            actor=user,
            relic=relic,
            outcome=request.POST.get("outcome", ""),
            cause=request.POST.get("cause", ""),
            changes=request.POST.get("changes", ""),
            examined_on=on,
        )

    return _act(request, relic, call, "复查结果已登记")


@require_POST
@login_required
def relic_stage(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_use(user)
    relic = _relic(request, pk)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    calls = {
        "submit": (lambda: services.lead_submit(actor=user, relic=relic), "已提交专家认定"),
        "verify": (
            lambda: services.lead_verify(actor=user, relic=relic, accept=True, note=note),
            "已认定为不可移动文物",
        ),
        "reject": (
            lambda: services.lead_verify(actor=user, relic=relic, accept=False, note=note),
            "已决定不予认定",
        ),
        "return": (
            lambda: services.lead_return(actor=user, relic=relic, note=note),
            "已退回补充调查",
        ),
        "register": (lambda: services.relic_register(actor=user, relic=relic), "已登记"),
        "publish": (lambda: services.relic_publish(actor=user, relic=relic), "已公布"),
        "unpublish": (lambda: services.relic_unpublish(actor=user, relic=relic), "已撤回公布"),
    }
    if action not in calls:
        messages.error(request, "未知的操作")
        return _back(relic)
    call, done = calls[action]
    return _act(request, relic, call, done)


@require_POST
@login_required
def issue_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_use(user)
    issue = quality_issue_get(user=user, pk=pk)
    return _act(
        request,
        issue.relic,
        lambda: services.issue_accept(actor=user, issue=issue, note=request.POST.get("note", "")),
        "已确认",
    )


@require_POST
@login_required
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_use(user)
    case = damage_case_get(user=user, pk=pk)
    return _act(
        request,
        case.relic,
        lambda: services.case_close(actor=user, case=case, outcome=request.POST.get("outcome", "")),
        "案件已办结",
    )


@login_required
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    """Photographs and drawings are served only to people who may see the record (not from a public URL)."""
    require_use(current_user(request))
    item = relic_file_get(user=request.user, pk=pk)
    content_type = "application/pdf" if item.format == "pdf" else f"image/{item.format}"
    return FileResponse(item.file.open("rb"), content_type=content_type)


# ------------------------------------------------------------------ review queue


@login_required
def review(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_use(user)
    if not is_expert(user) and not is_bureau(user):
        raise PermissionDenied("只有专家和文物局可以查看审核队列")
    leads, warnings = review_queue(user)
    return render(
        request,
        "relics/review.html",
        {"leads": leads[:200], "warnings": warnings[:200], "near": near_metres()},
    )


# ------------------------------------------------------------------ import / export


@login_required
def import_register(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_use(user)
    if not is_bureau(user) or is_read_only(user):
        raise PermissionDenied("只有文物局可以导入文物名录")
    result = None
    error = None
    upload = request.FILES.get("file") if request.method == "POST" else None
    error = refusal_error(request, "file") if request.method == "POST" else None
    if upload is not None:
        suffix = Path(upload.name or "").suffix.lower()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                result = services.register_import(actor=user, path=path, filename=upload.name or "")
            except DomainError as exc:
                error = exc
        if result is not None and result.ok:
            messages.success(request, f"已导入 {result.created} 处不可移动文物")
            return redirect("relics:list")
    return render(
        request,
        "relics/import.html",
        {"result": result, "error": error, "columns": IMPORT_COLUMNS},
        status=400 if (error or (result and not result.ok)) else 200,
    )


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    user = current_user(request)
    require_use(user)
    if not (is_bureau(user) or sees_all(user) or census_area(user)):
        raise PermissionDenied
    params = {
        k: request.GET.get(k, "").strip() for k in ("q", "category", "level", "town", "stage")
    }
    relics = relic_search(relics_for(user), **params).prefetch_related("reexaminations")
    if kind == "register":
        data, count = register_xlsx(relics.iterator(chunk_size=2000))
        name = "不可移动文物名录.xlsx"
    else:
        data, count = census_forms_xlsx(relics)
        name = "普查登记表.xlsx"
    services.export_logged(
        actor=user, kind=kind, count=count, filters={k: v for k, v in params.items() if v}
    )
    return xlsx_response(data, name)


@login_required
def export_register(request: HttpRequest) -> HttpResponse:
    return _export(request, "register")


@login_required
def export_forms(request: HttpRequest) -> HttpResponse:
    return _export(request, "forms")


# ------------------------------------------------------------------ public register (no login)


def _public_row(relic: Relic) -> dict[str, Any]:
    sensitive = (
        is_sensitive(Category(relic.category), marked=relic.sensitive) if relic.category else True
    )
    point = (
        Coordinates(relic.longitude, relic.latitude)
        if relic.longitude is not None and relic.latitude is not None
        else None
    )
    return {
        "relic": relic,
        "sensitive": sensitive,
        "location": location_description(
            town=relic.department.name, address=relic.address, point=point, sensitive=sensitive
        ),
    }


def public_list(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip() for k in ("q", "category", "level", "town")}
    found = relic_search(published_relics(), **params)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return render(
        request,
        "relics/public_list.html",
        {
            "page": page,
            "rows": [_public_row(r) for r in page],
            "params": params,
            "query": query,
            "towns": census_units(),
            "total": published_relics().count(),
            **_vocab(),
        },
    )


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    relic = get_object_or_404(published_relics(), code=code)
    return render(request, "relics/public_detail.html", {"row": _public_row(relic)})
