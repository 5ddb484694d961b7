"""Pages of the air module: the public warning page, the office's workflow, units' receipts, the list."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from chengqu.air.reduction import POLLUTANT_LABELS, POLLUTANTS
from chengqu.common import Citation, DomainError
from portal.accounts.access import role_required
from portal.accounts.models import User
from portal.accounts.roles import Role, has_role
from portal.air import reduction_list, selectors, services
from portal.air.chart import aqi_chart
from portal.air.documents import FORM_TITLE, approval_form
from portal.air.models import (
    Acknowledgement,
    InfoReport,
    ListEnterprise,
    MemberUnit,
    WarningDecision,
    WarningEpisode,
)
from portal.core.exports import docx_response, xlsx_response
from portal.core.uploads import refusal_error

WORKFLOW = selectors.WORKFLOW_ROLES
LEVEL_LABEL = services.LEVEL_LABEL


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _chart(decision: WarningDecision | None) -> str:
    if decision is None or not decision.result.get("series"):
        return ""
    r = decision.result
    return aqi_chart(
        r["series"], r.get("hourly_levels", []), forecast_start=int(r.get("forecast_start", 0))
    )


def _grouped(decision: WarningDecision | None) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for m in decision.result.get("measures", []) if decision else []:
        cite = Citation(m["citation"]["document"], m["citation"]["clause"], "")
        groups.setdefault(m["category"], []).append({**m, "cite": cite})
    return list(groups.items())


def _advice(decision: WarningDecision | None) -> dict[str, Any] | None:
    """HJ 633 表2 health advice for the forecast's highest daily AQI (the standard in force that day)."""
    if decision is None:
        return None
    r = decision.result
    values = [
        int(v) for v in r.get("series", [])[int(r.get("forecast_start", 0)) :] if v is not None
    ]
    if not values:
        return None
    from chengqu.air.standards import standard_for

    standard = standard_for(timezone.localdate(decision.published_at or decision.drafted_at))
    peak = max(values)
    category = standard.category_of(min(peak, 500))
    return {
        "peak": peak,
        "category": category.category,
        "health": category.health,
        "advice": category.advice,
        "standard": standard.name,
    }


def index(request: HttpRequest) -> HttpResponse:
    """Public (no login): the warning in force, its measures and health advice, the history, the chart."""
    episode = selectors.current_episode()
    decision = selectors.latest_published(episode) if episode else None
    history = list(selectors.published_decisions()[:50])
    shown = decision or (history[0] if history else None)
    groups = _grouped(decision)
    return render(
        request,
        "air/public.html",
        {
            "advice": _advice(decision),
            "episode": episode,
            "decision": decision,
            "level_label": LEVEL_LABEL[episode.level] if episode else "",
            "health": [m for cat, ms in groups if cat == "健康防护" for m in ms],
            "groups": [(cat, ms) for cat, ms in groups if cat != "健康防护"],
            "history": history,
            "chart": _chart(shown),
            "chart_decision": shown,
        },
    )


def cap_xml(request: HttpRequest, identifier: str) -> HttpResponse:
    message = selectors.cap_messages().filter(identifier=identifier).first()
    if message is None:
        raise Http404("没有该预警信息")
    return HttpResponse(message.xml, content_type="application/cap+xml; charset=utf-8")


def feed(request: HttpRequest) -> HttpResponse:
    """Atom feed of the CAP alerts, newest first."""
    items = list(selectors.cap_messages()[:50])
    updated = items[0].sent if items else timezone.now()
    response = render(
        request,
        "air/feed.atom",
        {"items": items, "updated": updated, "base": request.build_absolute_uri("/")[:-1]},
    )
    response["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


# ------------------------------------------------------------------ the office's workflow


def _act(request: HttpRequest, action: Callable[[], object], ok: str) -> None:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)


@role_required(*WORKFLOW)
def office(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        values = [
            v.strip()
            for v in request.POST.get("daily", "").replace("，", ",").split(",")
            if v.strip()
        ]
        kind = request.POST.get("kind", "daily")
        city = request.POST.get("city_level") or None
        try:
            decision = services.warning_draft(
                actor=user,
                forecast={"kind": kind, "values": values},
                episode_kind=request.POST.get("episode", "pm25"),
                city_level=city,
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已填报{FORM_TITLE}, 待领导批准")
            return redirect("air:decision", pk=decision.pk)
    episodes = WarningEpisode.objects.prefetch_related("decisions").order_by("-created_at")[:30]
    return render(
        request,
        "air/office.html",
        {
            "episodes": episodes,
            "can_draft": has_role(user, Role.HQ_OFFICE),
            "post": request.POST,
        },
    )


@role_required(*WORKFLOW)
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    decision = get_object_or_404(WarningDecision.objects.select_related("episode"), pk=pk)
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "approve":
            _act(
                request,
                lambda: services.warning_approve(
                    decision=decision, actor=user, opinion=request.POST.get("opinion") or "同意"
                ),
                "已批准",
            )
        elif op == "reject":
            _act(
                request,
                lambda: services.warning_reject(
                    decision=decision, actor=user, opinion=request.POST.get("opinion", "")
                ),
                "已退回",
            )
        elif op == "publish":
            _act(
                request,
                lambda: services.warning_publish(decision=decision, actor=user),
                "已发布, 已通知各成员单位并生成 CAP 预警消息",
            )
        elif op == "report":
            report = get_object_or_404(
                InfoReport, pk=request.POST.get("report") or 0, decision=decision
            )
            _act(
                request, lambda: services.report_mark_sent(report=report, actor=user), "已登记报送"
            )
        elif op == "receive":
            ack = get_object_or_404(
                Acknowledgement, pk=request.POST.get("ack") or 0, decision=decision
            )
            _act(
                request,
                lambda: services.acknowledgement_receive(ack=ack, actor=user),
                "已代为登记签收",
            )
        return redirect("air:decision", pk=pk)
    now = timezone.now()
    acks = [
        (a, selectors.notify_clock(a, now=now))
        for a in decision.acknowledgements.select_related("member", "decision")
    ]
    episode = decision.episode
    duty = (
        [
            (
                m,
                list(episode.duty_shifts.filter(member=m)),
                services.duty_gaps(episode, m, until=now),
            )
            for m in MemberUnit.objects.filter(active=True)
        ]
        if episode.started_at
        else []
    )
    document = "城政办发〔2024〕1号"
    reasons = [
        {**x, "cite": Citation(document, x["clause"], "")}
        for x in decision.result.get("reasons", [])
    ]
    return render(
        request,
        "air/decision.html",
        {
            "d": decision,
            "reasons": reasons,
            "r": decision.result,
            "chart": _chart(decision),
            "acks": acks,
            "overdue": sum(1 for _, c in acks if c and c.overdue),
            "reports": decision.reports.all(),
            "duty": duty,
            "cap": getattr(decision, "cap", None),
            "approval_level": LEVEL_LABEL[services.approval_level(decision)],
            "groups": _grouped(decision),
            "is_office": has_role(user, Role.HQ_OFFICE),
            "is_commander": has_role(user, Role.COMMANDER),
        },
    )


@role_required(*WORKFLOW)
def decision_form(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(WarningDecision.objects.select_related("episode"), pk=pk)
    return docx_response(approval_form(decision), f"{FORM_TITLE}-{pk}.docx")


@role_required(*WORKFLOW, Role.UNIT)
def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    episode = get_object_or_404(selectors.episodes_for(user), pk=pk)
    members = list(MemberUnit.objects.filter(active=True))
    own = [
        m for m in members if services.can_act_for(user, m) and not has_role(user, Role.HQ_OFFICE)
    ]
    if request.method == "POST":
        if request.POST.get("op") == "evaluate":
            _act(
                request,
                lambda: services.evaluation_submit(
                    episode=episode, actor=user, text=request.POST.get("text", "")
                ),
                "已保存评估",
            )
        else:
            member = get_object_or_404(MemberUnit, pk=request.POST.get("member") or 0)
            _act(
                request,
                lambda: services.summary_submit(
                    episode=episode, member=member, actor=user, text=request.POST.get("text", "")
                ),
                "已报送总结",
            )
        return redirect("air:episode", pk=pk)
    summaries = episode.summaries.select_related("member")
    if not selectors.sees_workflow(user):
        summaries = summaries.filter(selectors.member_filter(user.department_id, "member__"))
    submitted = {s.member_id for s in summaries}
    return render(
        request,
        "air/episode.html",
        {
            "episode": episode,
            "stats": selectors.episode_statistics(episode)
            if selectors.sees_workflow(user)
            else None,
            "decisions": episode.decisions.order_by("drafted_at"),
            "summaries": summaries,
            "missing": [m for m in members if m.pk not in submitted]
            if selectors.sees_workflow(user)
            else [],
            "own": own,
            "is_office": has_role(user, Role.HQ_OFFICE),
        },
    )


# ------------------------------------------------------------------ member units


@role_required(Role.UNIT, Role.HQ_OFFICE)
def unit_tasks(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    acks = selectors.acknowledgements_for(user)
    if request.method == "POST":
        ack = acks.filter(pk=request.POST.get("ack") or 0).first()
        if ack is None:
            raise PermissionDenied("只能为本单位签收")
        if request.POST.get("op") == "duty":
            try:
                starts = _local_datetime(request.POST.get("starts", ""))
                ends = _local_datetime(request.POST.get("ends", ""))
            except ValueError:
                messages.error(request, "值班时间格式应为 YYYY-MM-DD HH:MM")
                return redirect("air:unit")
            _act(
                request,
                lambda: services.duty_record(
                    episode=ack.decision.episode,
                    member=ack.member,
                    actor=user,
                    person=request.POST.get("person", ""),
                    phone=request.POST.get("phone", ""),
                    starts=starts,
                    ends=ends,
                ),
                "已登记值班",
            )
            return redirect("air:unit")
        if request.POST.get("op") == "notify":
            try:
                count = int(request.POST.get("count", ""))
            except ValueError:
                messages.error(request, "通知企事业单位数应为整数")
                return redirect("air:unit")
            _act(
                request,
                lambda: services.acknowledgement_notify(
                    ack=ack, actor=user, count=count, note=request.POST.get("note", "")
                ),
                "已登记通知企事业单位",
            )
        else:
            _act(request, lambda: services.acknowledgement_receive(ack=ack, actor=user), "已签收")
        return redirect("air:unit")
    now = timezone.now()
    rows = [
        (a, selectors.notify_clock(a, now=now))
        for a in acks.order_by("-decision__published_at")[:100]
    ]
    return render(request, "air/unit.html", {"rows": rows})


def _local_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip().replace(" ", "T"))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# ------------------------------------------------------------------ emission-reduction list


def _year(request: HttpRequest) -> int:
    try:
        return int(
            request.GET.get("year")
            or request.POST.get("year")
            or (selectors.list_years() or [timezone.localdate().year])[0]
        )
    except ValueError:
        return timezone.localdate().year


@role_required(*selectors.LIST_ROLES)
def reduction_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    year = _year(request)
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "import":
            refused = refusal_error(request, "file")
            upload = request.FILES.get("file")
            if refused is not None:
                messages.error(request, refused.message)
            elif upload is None:
                messages.error(request, "请选择 xlsx 文件")
            else:
                with tempfile.TemporaryDirectory() as folder:
                    path = Path(folder) / "upload.xlsx"
                    path.write_bytes(upload.read())
                    try:
                        count = reduction_list.list_import(path=path, actor=user)
                    except reduction_list.ListImportError as exc:
                        for row, col, msg in exc.errors:
                            messages.error(request, f"第 {row} 行 {col}: {msg}")
                        messages.error(request, "导入失败, 未写入任何数据")
                    except DomainError as exc:
                        messages.error(
                            request, exc.message.replace(path.name, upload.name or path.name)
                        )
                    else:
                        messages.success(request, f"已导入 {count} 家企业")
        elif op == "totals":
            values: dict[str, Decimal | None] = {}
            try:
                for p in POLLUTANTS:
                    raw = request.POST.get(p, "").strip()
                    values[p] = Decimal(raw) if raw else None
            except InvalidOperation:
                messages.error(request, "排放总量应为数值")
            else:
                _act(
                    request,
                    lambda: reduction_list.district_emissions_set(
                        year=year, values=values, actor=user
                    ),
                    "已保存全区排放总量",
                )
        elif op == "exempt":
            enterprise = get_object_or_404(
                ListEnterprise, pk=request.POST.get("enterprise") or 0, year=year
            )
            try:
                approved_on = date.fromisoformat(request.POST.get("approved_on", ""))
            except ValueError:
                messages.error(request, "批准日期格式应为 YYYY-MM-DD")
            else:
                _act(
                    request,
                    lambda: reduction_list.exemption_record(
                        enterprise=enterprise,
                        clause=request.POST.get("clause", ""),
                        responses=request.POST.getlist("responses"),
                        reason=request.POST.get("reason", ""),
                        approved_by=request.POST.get("approved_by", ""),
                        approval_ref=request.POST.get("approval_ref", ""),
                        approved_on=approved_on,
                        actor=user,
                        facts=request.POST,
                    ),
                    "已登记豁免",
                )
        return redirect(f"{request.path}?year={year}")
    from portal.air.models import DistrictEmissions, Exemption

    checks = selectors.reduction_checks(year)
    enterprises = ListEnterprise.objects.filter(year=year).prefetch_related(
        "measures", "exemptions"
    )
    return render(
        request,
        "air/reduction.html",
        {
            "year": year,
            "years": selectors.list_years(),
            "checks": checks,
            "totals": DistrictEmissions.objects.filter(year=year).first(),
            "pollutants": [(p, POLLUTANT_LABELS[p]) for p in POLLUTANTS],
            "enterprises": enterprises,
            "clauses": Exemption.Clause.choices,
            "can_edit": has_role(user, Role.HQ_OFFICE, Role.ADMIN)
            and not has_role(user, Role.AUDITOR),
        },
    )


@role_required(*selectors.LIST_ROLES)
def reduction_export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    return xlsx_response(reduction_list.list_export(year), f"{year}年应急减排清单.xlsx")


# ------------------------------------------------------------------ an enterprise's own list entry

ENTRY_ROLES = (*selectors.LIST_ROLES, Role.ENTERPRISE)


def _entry_context(entry: ListEnterprise) -> dict[str, Any]:
    measures = {m.response: m for m in entry.measures.all()}
    return {
        "entry": entry,
        "now": selectors.required_now(entry),
        "levels": [
            (r, services.LEVEL_LABEL.get(level, level), measures.get(r))
            for level, r in selectors.RESPONSE_OF_LEVEL.items()
        ],
    }


@role_required(*ENTRY_ROLES)
def enterprise_entries(request: HttpRequest) -> HttpResponse:
    """An enterprise's own entries on the reduction list and what they require at the warning in force."""
    user = _user(request)
    entries = list(selectors.list_entries_for(user)) if selectors.enterprise_of(user) else []
    if not entries and has_role(user, *selectors.LIST_ROLES):
        return redirect("air:list")
    return render(request, "air/enterprise.html", {"items": [_entry_context(e) for e in entries]})


@role_required(*ENTRY_ROLES)
def list_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One entry of the list: its owner enterprise and the office/oversight only (others: 404)."""
    entry = selectors.list_entries_for(_user(request)).filter(pk=pk).first()
    if entry is None:
        raise Http404("没有这条清单记录")
    return render(
        request, "air/enterprise.html", {"items": [_entry_context(entry)], "single": True}
    )
