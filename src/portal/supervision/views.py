"""Pages of the supervision module: the task ledger, an item's loop, bulletins, the fire campaign."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from chengqu.common import Citation, DomainError, clock
from chengqu.gazette import ParseResult, parse_issue
from chengqu.supervision import (
    Action,
    campaign_steps,
    checklist,
    obligations,
    occurrences,
    venue_classes,
)
from chengqu.supervision.hazards import inspector_scopes
from chengqu.supervision.loop import ESCALATION_LABELS, STATE_LABELS, State
from portal.accounts.models import Department, User
from portal.accounts.roles import Role, has_role, is_read_only
from portal.core.auth import current_user
from portal.core.exports import DOCX, XLSX, append_row, attachment, saved
from portal.supervision import exports, selectors, services
from portal.supervision.models import LoopEvent, LoopItem
from portal.supervision.selectors import (
    BUCKET_LABELS,
    BUCKETS,
    bulletin_figures,
    distinct_values,
    duty_rows,
    filter_items,
    item_page,
    missed_duties,
    rows,
    visible_items,
)
from portal.supervision.workflow import INSPECTOR_ACTIONS, UNIT_ACTIONS

READERS = (Role.UNIT, Role.INSPECTORATE, Role.ADMIN, Role.AUDITOR, Role.HQ_OFFICE, Role.COMMANDER)


def _role_required(view: Any) -> Any:
    from portal.accounts.access import role_required

    return role_required(*READERS)(view)


@cache
def _parsed() -> ParseResult:
    from chengqu.data import read_gazette_issue

    return parse_issue(read_gazette_issue("gazette-2024-1.txt"))


# ------------------------------------------------------------------ tasks


@_role_required
def index(request: HttpRequest) -> HttpResponse:
    """任务台账: filter by leader, unit, status, overdue, 民生实事, source; 'my tasks' for unit users."""
    user = current_user(request)
    today = clock.today()
    params = {
        k: request.GET.get(k, "").strip()
        for k in ("leader", "unit", "status", "overdue", "livelihood", "source", "q", "mine")
    }
    base = visible_items(user)
    if params["mine"] and user.department_id:
        params["unit"] = str(user.department_id)
    qs = filter_items(base, params, today=today).select_related("unit").order_by("due", "pk")
    if request.GET.get("format") == "xlsx":
        return attachment(
            exports.ledger_workbook(qs.iterator(chunk_size=2000), today=today),
            "任务台账.xlsx",
            XLSX,
        )
    page, items = item_page(qs, number=request.GET.get("page"), related=("unit",))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/ledger.html",
        {
            "page": page,
            "rows": rows(items, today=today),
            "params": params,
            "leaders": distinct_values(user, "leader"),
            "states": LoopItem.State.choices,
            "today": today,
            "query": query.urlencode(),
            "sources": distinct_values(user, "source"),
            "can_verify": has_role(user, Role.INSPECTORATE, Role.ADMIN),
        },
    )


def _visible_item(user: User, pk: int) -> LoopItem:
    item = selectors.item_get(user=user, pk=pk)
    if item is None:
        raise Http404("没有这项任务,或您无权查看")
    return item


@_role_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = _visible_item(user, pk)
    today = clock.today()
    (row,) = rows([item], today=today)
    allowed = selectors.item_actions(user=user, item=item)  # the buttons, from the workflow table
    unit_user = bool(allowed & UNIT_ACTIONS)
    verifier = bool(allowed & INSPECTOR_ACTIONS)
    hazard = selectors.hazard_of(item)
    citation = (
        Citation(document=item.source, clause=item.eid, text="")
        if item.source and item.eid
        else None
    )
    return render(
        request,
        "supervision/item.html",
        {
            "item": item,
            "row": row,
            "events": item.events.select_related("actor"),
            "today": today,
            "unit_user": unit_user,
            "verifier": verifier,
            "hazard": hazard,
            "citation": citation,
            "state_label": STATE_LABELS[State(item.state)],
            "escalation_label": ESCALATION_LABELS[item.escalation],
            "children": item.children.all(),
            "units": selectors.unit_list(),
            "closed": item.state == LoopItem.State.CLOSED,
            "can_split_hazard": item.kind == LoopItem.Kind.HAZARD
            and item.state != LoopItem.State.SUBMITTED
            and (unit_user or verifier),
            "open_children": item.children.exclude(state=LoopItem.State.CLOSED).count(),
        },
    )


def _date(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError("supervision.date", "日期格式应为 YYYY-MM-DD", field=field) from None


@require_POST
@_role_required
def item_act(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = _visible_item(user, pk)
    action = request.POST.get("action", "")
    try:
        if action == "split":
            unit = get_object_or_404(Department, pk=request.POST.get("unit") or 0)
            due = _date(request.POST.get("due", ""), "due")
            if due is None:
                raise DomainError("supervision.split_due", "请填写分解任务的期限", field="due")
            if item.kind == LoopItem.Kind.HAZARD:
                services.hazard_split(
                    actor=user,
                    item=item,
                    unit=unit,
                    measure=request.POST.get("measure", ""),
                    responsible_person=request.POST.get("responsible_person", ""),
                    deadline=due,
                    problem=request.POST.get("text", ""),
                )
                messages.success(request, "已拆分分项隐患。")
            else:
                services.task_split(
                    actor=user, item=item, unit=unit, text=request.POST.get("text", ""), due=due
                )
                messages.success(request, "已分解任务。")
        else:
            if action not in {a.value for a in Action}:
                raise DomainError("supervision.action", "未知操作", field="action")
            progress_raw = request.POST.get("progress", "").strip()
            services.loop_act(
                actor=user,
                item=item,
                action=action,
                text=request.POST.get("text", ""),
                evidence=request.POST.get("evidence", ""),
                progress=int(progress_raw) if progress_raw.isdigit() else None,
                new_due=_date(request.POST.get("new_due", ""), "new_due"),
            )
            messages.success(request, f"已{LoopEvent.Step(action).label}。")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("supervision:item", pk=item.pk)


@_role_required
def bulletin(request: HttpRequest) -> HttpResponse:
    """通报: per unit for a period — done, on track, behind, overdue; .xlsx/.docx; the 督查室 publishes."""
    user = current_user(request)
    today = clock.today()
    try:
        start = _date(request.GET.get("start", ""), "start") or date(today.year, 1, 1)
        end = _date(request.GET.get("end", ""), "end") or today
    except DomainError as err:
        messages.error(request, err.message)
        start, end = date(today.year, 1, 1), today
    qs = selectors.bulletin_items(user, end=end, source=request.GET.get("source", ""))
    by = "leader" if request.GET.get("by") == "leader" else "unit"
    figures = bulletin_figures(qs, end=end, by=by)
    missed = missed_duties(user, today=today, start=start, end=end)
    title = f"督查通报({start}至{end})" + ("(按区领导)" if by == "leader" else "")
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return attachment(
            exports.bulletin_workbook(figures, title=title, missed=missed), "督查通报.xlsx", XLSX
        )
    if fmt == "docx":
        return attachment(
            exports.bulletin_docx(figures, title=title, period=f"{start}至{end}", missed=missed),
            "督查通报.docx",
            DOCX,
        )
    if request.method == "POST":
        try:
            services.bulletin_publish(
                actor=user, period_start=start, period_end=end, figures=figures, title=title
            )
            messages.success(request, "通报已发布。")
        except DomainError as err:
            messages.error(request, err.message)
        return redirect(f"{request.path}?start={start}&end={end}")
    return render(
        request,
        "supervision/bulletin.html",
        {
            "figures": figures,
            "start": start,
            "end": end,
            "by": by,
            "buckets": [(b, BUCKET_LABELS[b]) for b in BUCKETS],
            "published": selectors.bulletin_list(),
            "can_publish": has_role(user, Role.INSPECTORATE, Role.ADMIN) and not is_read_only(user),
            "chart": _chart(figures),
            "missed": missed,
        },
    )


def _chart(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """A stacked bar per unit as inline SVG geometry (no JS)."""
    colours = {"done": "#2e7d32", "on_track": "#0b57a4", "behind": "#e0a800", "overdue": "#b5121b"}
    top = max((f["total"] for f in figures), default=0) or 1
    bars = []
    for i, f in enumerate(figures[:40]):
        x, parts = 200, []
        for b in BUCKETS:
            w = round(340 * f[b] / top)
            if w:
                parts.append(
                    {"x": x, "w": w, "fill": colours[b], "label": f"{BUCKET_LABELS[b]} {f[b]}"}
                )
            x += w
        bars.append({"y": i * 22, "unit": f["unit"], "parts": parts, "total": f["total"]})
    return {
        "bars": bars,
        "height": len(bars) * 22 + 4,
        "legend": [(BUCKET_LABELS[b], colours[b]) for b in BUCKETS],
    }


@_role_required
def schedule(request: HttpRequest) -> HttpResponse:
    """Campaign steps, report dates and recurring obligations with their periods."""
    today = clock.today()
    duties = []
    for o in obligations():
        periods = occurrences(o, start=date(2024, 3, 9), end=date(2024, 12, 31))
        duties.append(
            {
                "o": o,
                "periods": len(periods),
                "next": next((p for p in periods if p.due >= today), None),
            }
        )
    return render(
        request, "supervision/schedule.html", {"steps": campaign_steps(), "duties": duties}
    )


@_role_required
def duties(request: HttpRequest) -> HttpResponse:
    """周期性工作落实: each responsible unit records its occurrences; per month/year met, open or
    missed (red)."""
    user = current_user(request)
    today = clock.today()
    all_units = has_role(user, Role.INSPECTORATE, Role.ADMIN)
    if request.method == "POST":
        try:
            unit = selectors.unit_get(request.POST.get("unit")) if all_units else user.department
            if unit is None:
                raise DomainError("supervision.unit", "请选择责任单位", field="unit")
            held_on = _date(request.POST.get("held_on", ""), "held_on")
            if held_on is None:
                raise DomainError("supervision.obligation_date", "请填写开展日期", field="held_on")
            services.obligation_record(
                actor=user,
                key=request.POST.get("obligation", ""),
                unit=unit,
                held_on=held_on,
                person=request.POST.get("person", ""),
                note=request.POST.get("note", ""),
            )
            messages.success(request, "已登记。")
            return redirect("supervision:duties")
        except DomainError as err:
            messages.error(request, err.message)
    rows_ = duty_rows(user, today=today)
    return render(
        request,
        "supervision/duties.html",
        {
            "rows": rows_,
            "duties": obligations(),
            "today": today,
            "records": selectors.obligation_record_list(user),
            "labels": {o.key: o.label for o in obligations()},
            "can_record": not is_read_only(user)
            and (all_units or (has_role(user, Role.UNIT) and user.department_id)),
            "all_units": all_units,
            "units": selectors.unit_list(),
            "missed": sum(len(r.missed) for r in rows_),
        },
    )


# ------------------------------------------------------------------ hazards


@_role_required
def hazards(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = clock.today()
    params = {k: request.GET.get(k, "").strip() for k in ("status", "overdue", "q", "unit")}
    qs = filter_items(visible_items(user, LoopItem.Kind.HAZARD), params, today=today)
    qs = qs.select_related("unit", "hazard__venue").order_by("due", "pk")
    if request.GET.get("format") == "xlsx":
        return attachment(
            exports.three_lists_workbook(qs.iterator(chunk_size=2000), today=today),
            "隐患三个清单.xlsx",
            XLSX,
        )
    page, items = item_page(qs, number=request.GET.get("page"), related=("unit", "hazard__venue"))
    stats = selectors.hazard_state_counts(user)
    return render(
        request,
        "supervision/hazards.html",
        {
            "page": page,
            "rows": rows(items, today=today),
            "params": params,
            "states": LoopItem.State.choices,
            "stats": [(label, stats[s]) for s, label in LoopItem.State.choices],
            "can_report": not is_read_only(user),
        },
    )


@_role_required
def hazard_new(request: HttpRequest) -> HttpResponse:
    """The inspection form (works on a phone): venue, checklist item, the three lists."""
    user = current_user(request)
    groups = checklist(_parsed())
    items = {i.id: (g, i) for g in groups for i in g.items}
    streets = selectors.street_list(user)
    form: dict[str, str] = {
        k: str(v) for k, v in request.POST.dict().items() if k != "csrfmiddlewaretoken"
    }
    if request.method == "POST":
        try:
            if is_read_only(user):
                raise DomainError(
                    "supervision.read_only", "审计账户只能查看,不能办理", field="name"
                )
            street = selectors.street_get(user=user, pk=form.get("street"))
            if street is None:
                raise DomainError("hazard.street", "请选择属地镇(街道)", field="street")
            if form.get("check_id") not in items:
                raise DomainError("hazard.check", "请选择检查项", field="check_id")
            _, check = items[form["check_id"]]
            due = _date(form.get("deadline", ""), "deadline")
            if due is None:
                raise DomainError("hazard.deadline", "请填写整改时限", field="deadline")
            venue = services.venue_register(
                actor=user,
                name=form.get("venue", ""),
                venue_class=form.get("venue_class", ""),
                kind=form.get("kind", ""),
                street=street,
                responsible_person=form.get("venue_person", ""),
                grid=form.get("grid", ""),
            )
            hazard = services.hazard_report(
                actor=user,
                venue=venue,
                check_id=check.id,
                check_text=check.text,
                clause=check.citation.clause,
                inspector_kind=form.get("inspector_kind", ""),
                problem=form.get("problem", "") or check.text,
                measure=form.get("measure", ""),
                responsible_person=form.get("responsible_person", ""),
                deadline=due,
                tough=bool(form.get("tough")),
                plan=form.get("plan", ""),
                major=bool(form.get("major")),
                credit_flag=bool(form.get("credit_flag")),
            )
            messages.success(request, "隐患已登记并进入整改闭环。")
            return redirect("supervision:item", pk=hazard.item_id)
        except DomainError as err:
            messages.error(request, err.message)
    return render(
        request,
        "supervision/hazard_new.html",
        {
            "groups": groups,
            "classes": venue_classes(),
            "streets": streets,
            "form": form,
            "inspectors": [(k, v[0]) for k, v in inspector_scopes().items()],
        },
    )


@_role_required
def self_inspection(request: HttpRequest) -> HttpResponse:
    """场所自查记录 (附件2): the venue's person in charge signs; findings are checklist items."""
    user = current_user(request)
    groups = checklist(_parsed())
    known = {i.id for g in groups for i in g.items}
    venues = selectors.venue_list(user)
    if request.method == "POST":
        try:
            venue = selectors.venue_get(user=user, pk=request.POST.get("venue"))
            if venue is None:
                raise DomainError("hazard.venue", "请选择场所", field="venue")
            services.self_inspection_record(
                actor=user,
                venue=venue,
                inspected_on=_date(request.POST.get("inspected_on", ""), "inspected_on")
                or clock.today(),
                signed_by=request.POST.get("signed_by", ""),
                findings=request.POST.getlist("findings"),
                known_ids=known,
                note=request.POST.get("note", ""),
            )
            messages.success(request, "自查记录已登记。")
            return redirect("supervision:self_inspection")
        except DomainError as err:
            messages.error(request, err.message)
    records = selectors.self_inspection_list(user)
    return render(
        request,
        "supervision/self_inspection.html",
        {
            "venues": venues[:500],
            "groups": groups,
            "records": records,
            "today": clock.today(),
            "can_record": not is_read_only(user),
        },
    )


@_role_required
def hazard_checklist(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "supervision/checklist.html",
        {"groups": checklist(_parsed()), "classes": venue_classes()},
    )


@_role_required
def exposure(request: HttpRequest) -> HttpResponse:
    """大曝光: candidates (open hazards, overdue and major first), the record, the weekly check."""
    user = current_user(request)
    if request.method == "POST":
        try:
            held_on = _date(request.POST.get("held_on", ""), "held_on") or clock.today()
            chosen = selectors.hazard_list(pks=request.POST.getlist("hazard"))
            services.exposure_record(
                actor=user, held_on=held_on, hazards=chosen, note=request.POST.get("note", "")
            )
            messages.success(request, "曝光已登记。")
        except DomainError as err:
            messages.error(request, err.message)
        return redirect("supervision:exposure")
    candidates = selectors.exposure_candidates(user)
    checks = selectors.exposure_checks()
    return render(
        request,
        "supervision/exposure.html",
        {
            "candidates": candidates,
            "checks": checks,
            "exposures": selectors.exposure_list(),
            "can_record": has_role(user, Role.INSPECTORATE, Role.ADMIN) and not is_read_only(user),
            "today": clock.today(),
        },
    )


@_role_required
def dispatch_table(request: HttpRequest) -> HttpResponse:
    """附件4 调度表 per town/street: venues inspected, hazards found, fixed, open (as .xlsx)."""
    user = current_user(request)
    table, venue_counts = selectors.dispatch_figures(user)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("整治行动调度表")
    append_row(sheet, ["单位", "登记场所(家)", "排查发现隐患(处)", "已整改销案(处)", "未整改(处)"])
    for name, r in sorted(table.items()):
        append_row(sheet, [name, venue_counts.get(name, 0), r["found"], r["closed"], r["open"]])
    return attachment(saved(book), "整治行动调度表.xlsx", XLSX)
