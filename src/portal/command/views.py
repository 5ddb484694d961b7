"""Pages of the command module: the organisation chart, HQs and posts, routing, incidents, duties."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chengqu.command import route_incident, water_termination
from chengqu.command.clocks import Anchor
from chengqu.command.levels import animal_levels, assessment_items, grades, hq_part
from chengqu.common import SHANGHAI, Citation, DomainError, clock
from chengqu.rules import load_table
from portal.accounts.access import role_required
from portal.accounts.roles import Role
from portal.command import services
from portal.command.access import WRITE_ROLES, may_write
from portal.command.models import Headquarters, Incident
from portal.command.plan_views import plan_context
from portal.command.selectors import (
    READ_ROLES,
    clock_rows,
    commanders_by_hq,
    current_roster,
    deadline_for,
    department_by_pk,
    departments_active,
    duty_rows,
    duty_week,
    hq_candidates,
    hq_get,
    hq_keys,
    hq_seats,
    incident_get,
    incidents_by_ids,
    incidents_visible,
    org_chart,
    overdue_counts,
    post_get,
    post_holdings,
    post_seats,
    report_get,
)
from portal.core.auth import current_user

ANY_ROLE = tuple(Role)


def _moment(raw: str, field: str) -> datetime | None:
    """A datetime-local input (YYYY-MM-DDTHH:MM) read as Asia/Shanghai."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            "command.time_format", "时间格式应为 YYYY-MM-DD HH:MM", field=field
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


# ------------------------------------------------------------------ the command system


@role_required(*ANY_ROLE)
def index(request: HttpRequest) -> HttpResponse:
    """The organisation chart: general HQ → 17 specialised HQs → plan HQs."""
    general, special, plans = org_chart()
    names = commanders_by_hq()
    return render(
        request,
        "command/index.html",
        {
            "general": general,
            "general_commanders": names.get(general.pk, []) if general else [],
            "special": [(hq, names.get(hq.pk, [])) for hq in special],
            "plans": plans,
            "roster": current_roster(),
            "can_write": may_write(request.user),
        },
    )


@role_required(*ANY_ROLE)
def hq_detail(request: HttpRequest, key: str) -> HttpResponse:
    hq = hq_get(key)
    rows = hq_seats(hq)
    groups: dict[str, list[Any]] = {}
    for row in rows:
        groups.setdefault(row.seat.get_role_display(), []).append(row)
    return render(
        request,
        "command/hq.html",
        {
            "hq": hq,
            "groups": groups,
            "children": hq.children.all(),
        },
    )


@role_required(*ANY_ROLE)
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = post_get(pk)
    if request.method == "POST":
        try:
            start = date.fromisoformat(
                request.POST.get("start", "").strip() or clock.today().isoformat()
            )
        except ValueError:
            messages.error(request, "任职日期格式应为 YYYY-MM-DD")
        else:
            try:
                services.post_holder_set(
                    post=post,
                    name=request.POST.get("name", ""),
                    start=start,
                    actor=current_user(request),
                )
                messages.success(request, "已更新任职人员; 该岗位所在的各指挥部随之更新。")
                return redirect("command:post", pk=post.pk)
            except DomainError as exc:
                messages.error(request, exc.message)
    holdings = post_holdings(post)
    return render(
        request,
        "command/post.html",
        {
            "post": post,
            "seats": post_seats(post),
            "holdings": holdings,
            "current": next((h for h in holdings if h.end is None), None),
            "can_write": may_write(request.user),
            "today": clock.today(),
        },
    )


@role_required(*ANY_ROLE)
def route(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    decision = error = None
    grade = request.GET.get("grade", "")
    parts: dict[str, Any] = {}
    if query:
        try:
            decision = route_incident(query, roster=current_roster())
            if grade:
                for r in decision.value.routes:
                    with contextlib.suppress(DomainError):
                        parts[r.name] = hq_part(r.hq, grade)
        except DomainError as exc:
            error = exc
    keys = hq_keys()
    return render(
        request,
        "command/route.html",
        {
            "query": query,
            "decision": decision,
            "error": error,
            "grades": grades(),
            "grade": grade,
            "parts": parts,
            "hq_keys": keys,
        },
    )


# ------------------------------------------------------------------ incidents


@role_required(*READ_ROLES)
def incidents(request: HttpRequest) -> HttpResponse:
    qs = incidents_visible(request.user)
    status = request.GET.get("status", "")
    if status in Incident.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.values_list("pk", flat=True), 50).get_page(request.GET.get("page"))
    found = incidents_by_ids(list(page.object_list))
    counts = overdue_counts(found)
    rows = [(i, counts.get(i.pk, 0)) for i in found]
    return render(
        request,
        "command/incidents.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "can_write": may_write(request.user),
        },
    )


@role_required(*WRITE_ROLES)
def incident_new(request: HttpRequest) -> HttpResponse:
    form = request.POST if request.method == "POST" else request.GET
    error = None
    if request.method == "POST":
        try:
            department = None
            if form.get("department"):
                department = department_by_pk(form["department"])
            incident = services.incident_register(
                actor=current_user(request),
                incident_type=form.get("incident_type", ""),
                occurred_at=_moment(form.get("occurred_at", ""), "occurred_at"),
                learned_at=_moment(form.get("learned_at", ""), "learned_at"),
                place=form.get("place", ""),
                description=form.get("description", ""),
                reporter=form.get("reporter", ""),
                grade=form.get("grade", ""),
                department=department,
            )
            return redirect("command:incident", pk=incident.pk)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "command/incident_new.html",
        {
            "form": form,
            "error": error,
            "grades": grades(),
            "departments": departments_active(),
        },
    )


@role_required(*READ_ROLES)
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_get(request.user, pk)
    now = timezone.now()
    rows = clock_rows(incident, now=now)
    candidates = hq_candidates(incident)
    part = None
    if incident.hq and incident.grade and incident.hq.kind == Headquarters.Kind.SPECIAL:
        try:
            part = hq_part(incident.hq.key, incident.grade)
        except DomainError:
            part = None
    assessment = None
    if incident.plan in {"plan_animal_epidemic", "plan_water_source"}:
        assessment = assessment_items(incident.plan)
    route_decision = None
    if incident.hq:
        route_decision = route_incident(incident.hq.key, roster=current_roster())
    return render(
        request,
        "command/incident.html",
        {
            "incident": incident,
            "rows": rows,
            "events": incident.events.select_related("actor"),
            "others": incident.reports.filter(clock="").select_related("filed_by"),
            "candidates": candidates,
            "part": part,
            "route": route_decision.value.routes[0] if route_decision else None,
            "assessment": assessment,
            "animal_levels": animal_levels() if incident.plan == "plan_animal_epidemic" else (),
            "animal_zones": _animal_zones() if incident.plan == "plan_animal_epidemic" else None,
            "water_conditions": list(
                enumerate(water_termination([], started_by="-").value.missing, start=1)
            ),
            "anchors": [a for a in Anchor if a is not Anchor.OCCURRED],
            "recorded": {k: datetime.fromisoformat(v) for k, v in incident.anchors.items()},
            "can_write": may_write(request.user) and incident.status == Incident.Status.OPEN,
            "can_record": may_write(request.user),
            "now": now,
            **plan_context(incident),
        },
    )


def _animal_zones() -> tuple[list[tuple[str, str]], Citation]:
    """疫点 / 疫区 / 受威胁区 as 2号 7.1 defines them, for the response checklist."""
    table = load_table("command_levels")["animal_zones"]
    zones = [(k, str(v)) for k, v in table.items() if k != "clause"]
    return zones, Citation("城政办发〔2024〕2号", str(table["clause"]))


def _writer_incident(request: HttpRequest, pk: int) -> Incident:
    incident = incident_get(request.user, pk)
    return incident


def _act(request: HttpRequest, pk: int, action: Any) -> HttpResponse:
    incident = _writer_incident(request, pk)
    try:
        action(incident)
        messages.success(request, "已保存。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("command:incident", pk=incident.pk)


@require_POST
@role_required(*WRITE_ROLES)
def incident_route(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda i: services.incident_route_choose(
            incident=i, hq_key=request.POST.get("hq", ""), actor=current_user(request)
        ),
    )


@require_POST
@role_required(*WRITE_ROLES)
def incident_anchor(request: HttpRequest, pk: int) -> HttpResponse:
    def do(incident: Incident) -> None:
        at = _moment(request.POST.get("at", ""), "at")
        if at is None:
            raise DomainError("command.time_missing", "请填写时间", field="at")
        services.incident_anchor_set(
            incident=incident,
            anchor=request.POST.get("anchor", ""),
            at=at,
            actor=current_user(request),
        )

    return _act(request, pk, do)


def _fact(raw: str) -> bool | None:
    return {"yes": True, "no": False}.get(raw)


@require_POST
@role_required(*WRITE_ROLES)
def incident_level(request: HttpRequest, pk: int) -> HttpResponse:
    def do(incident: Incident) -> None:
        if incident.plan == "plan_water_source":
            services.incident_water_classify(
                incident=incident,
                entered_zone=_fact(request.POST.get("entered_zone", "")),
                impact=request.POST.get("impact") or None,
                in_area=request.POST.get("in_area", "yes") != "no",
                actor=current_user(request),
            )
        else:
            services.incident_animal_declare(
                incident=incident, level=request.POST.get("level", ""), actor=current_user(request)
            )

    return _act(request, pk, do)


@require_POST
@role_required(*WRITE_ROLES)
def incident_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    def do(incident: Incident) -> None:
        last_case = request.POST.get("last_case", "").strip()
        days = request.POST.get("incubation_days", "").strip()
        try:
            last = date.fromisoformat(last_case) if last_case else None
            incubation = int(days) if days else None
        except ValueError:
            raise DomainError("command.input", "日期或天数格式不正确", field="last_case") from None
        services.incident_terminate(
            incident=incident,
            actor=current_user(request),
            ordered_by=request.POST.get("ordered_by", ""),
            met=[int(x) for x in request.POST.getlist("met") if x.isdigit()],
            last_case=last,
            disease=request.POST.get("disease", ""),
            incubation_days=incubation,
        )

    return _act(request, pk, do)


@role_required(*WRITE_ROLES)
def report_edit(request: HttpRequest, pk: int, report_pk: int | None = None) -> HttpResponse:
    """Write a report against a clock: drafts are saved as typed (autosave), then filed."""
    incident = incident_get(request.user, pk)
    report = report_get(incident, report_pk) if report_pk else None
    clock = report.clock if report else request.GET.get("clock", request.POST.get("clock", ""))
    deadline = None
    if clock:
        try:
            deadline = deadline_for(incident, clock)
        except DomainError:
            raise Http404("没有这个时限") from None
    error = None
    if request.method == "POST":
        content = {
            k.removeprefix("item:"): str(v)
            for k, v in request.POST.items()
            if k.startswith("item:")
        }
        try:
            report = services.report_save(
                incident=incident,
                actor=current_user(request),
                clock=clock,
                title=request.POST.get("title", ""),
                content=content,
                text=request.POST.get("text", ""),
                report=report,
            )
            if request.headers.get("X-Autosave"):
                return JsonResponse(
                    {
                        "saved": True,
                        "report": report.pk,
                        "at": timezone.localtime(report.updated_at).strftime("%H:%M:%S"),
                    }
                )
            if request.POST.get("file"):
                services.report_file(
                    report=report,
                    actor=current_user(request),
                    partial=bool(request.POST.get("partial")),
                )
                messages.success(
                    request, f"已报送{report.title}" + ("(逾期报送)" if report.late else "")
                )
                return redirect("command:incident", pk=incident.pk)
            messages.success(request, "草稿已保存。")
            return redirect("command:report", pk=incident.pk, report_pk=report.pk)
        except DomainError as exc:
            if request.headers.get("X-Autosave"):
                return JsonResponse(exc.as_dict(), status=400)
            error = exc
    items = list(deadline.required_content) if deadline else []
    values = report.content if report else {}
    if request.method == "POST":
        values = {
            k.removeprefix("item:"): v for k, v in request.POST.items() if k.startswith("item:")
        }
    return render(
        request,
        "command/report.html",
        {
            "incident": incident,
            "report": report,
            "deadline": deadline,
            "clock": clock,
            "items": [(i, values.get(i, "")) for i in items],
            "error": error,
            "text": request.POST.get("text", report.text if report else ""),
            "title": request.POST.get(
                "title", report.title if report else (deadline.report if deadline else "续报")
            ),
        },
    )


# ------------------------------------------------------------------ duties


@role_required(*READ_ROLES)
def duties(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("shift"):
        if not may_write(request.user):
            raise PermissionDenied("您的角色无权排班")
        try:
            services.shift_set(
                day=date.fromisoformat(request.POST.get("day", "")),
                leader=request.POST.get("leader", ""),
                leader_post=request.POST.get("leader_post", ""),
                officer=request.POST.get("officer", ""),
                phone=request.POST.get("phone", ""),
                actor=current_user(request),
            )
            messages.success(request, "值班安排已保存。")
            return redirect("command:duties")
        except ValueError:
            messages.error(request, "值班日期格式应为 YYYY-MM-DD")
        except DomainError as exc:
            messages.error(request, exc.message)
    elif request.method == "POST":
        if not may_write(request.user):
            raise PermissionDenied("您的角色无权记录")
        try:
            done = date.fromisoformat(request.POST.get("done_on", ""))
        except ValueError:
            messages.error(request, "完成日期格式应为 YYYY-MM-DD")
        else:
            try:
                services.duty_record(
                    duty=request.POST.get("duty", ""),
                    done_on=done,
                    note=request.POST.get("note", ""),
                    actor=current_user(request),
                )
                messages.success(request, "已记录。")
                return redirect("command:duties")
            except DomainError as exc:
                messages.error(request, exc.message)
    today = clock.today()
    rows = duty_rows(today=today)
    _general, special, plan_hqs = org_chart()
    registry = [(hq, [r for r in rows if r.duty.plan == hq.key]) for hq in plan_hqs] + [
        (hq, []) for hq in special
    ]
    return render(
        request,
        "command/duties.html",
        {
            "rows": rows,
            "today": today,
            "can_write": may_write(request.user),
            "registry": registry,
            "week": duty_week(today=today),
        },
    )
