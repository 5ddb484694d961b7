"""Pages and actions for what the plans require on an incident: tasks and zone checklists, the
sample chain, the compensation ledger (.xlsx) and the assessment report (.docx).

Reads go through ``incident_get`` (another unit's incident is 403); writes also need a writer role.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from docx import Document
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from chengqu.command.levels import incubation_table
from chengqu.command.plan_tasks import (
    assessment_form,
    assessment_missing,
    chain_outcome,
    compensation_citation,
    compensation_kinds,
    compensation_note,
    sample_citation,
    sample_labs,
    sample_results,
    water_groups,
    water_groups_note,
)
from chengqu.common import SHANGHAI, DomainError
from portal.accounts.access import role_required
from portal.command import plan_services
from portal.command.access import WRITE_ROLES, may_write
from portal.command.models import Assessment, Incident, Task
from portal.command.selectors import (
    READ_ROLES,
    assessment_get,
    incident_get,
    sample_step,
    task_get,
)
from portal.core.auth import current_user
from portal.core.exports import append_row, clean_text, docx_response, xlsx_response

LEDGER_SHOWN = 50  # the page shows the latest lines; the .xlsx holds them all
PLANS_WITH_REPORT = {plan_services.WATER_PLAN, plan_services.ANIMAL_PLAN}


def plan_context(incident: Incident) -> dict[str, Any]:
    """What the incident page shows of the plan's requirements."""
    tasks = list(incident.tasks.select_related("done_by"))
    context: dict[str, Any] = {"plan_tasks": [], "task_counts": (0, 0)}
    if tasks:
        order = list(water_groups()) if incident.plan == plan_services.WATER_PLAN else []
        groups: dict[str, list[Task]] = {name: [] for name in order}
        for t in tasks:
            groups.setdefault(t.group, []).append(t)
        context["plan_tasks"] = [(name, items) for name, items in groups.items() if items]
        context["task_counts"] = (sum(1 for t in tasks if t.done_at), len(tasks))
    if incident.plan == plan_services.WATER_PLAN:
        context["groups_note"] = water_groups_note()
    if incident.plan == plan_services.ANIMAL_PLAN:
        rows = list(incident.samples.select_related("recorded_by"))
        ledger = incident.compensations.aggregate(n=Count("pk"), total=Sum("amount"))
        context.update(
            {
                "samples": rows,
                "sample_outcome": chain_outcome([sample_step(r) for r in rows]) if rows else "",
                "sample_citation": sample_citation(),
                "sample_results": sample_results(),
                "sample_labs": [r.lab for r in rows] or list(sample_labs()),
                "compensations": list(
                    incident.compensations.select_related("recorded_by").order_by("-pk")[
                        :LEDGER_SHOWN
                    ]
                ),
                "compensation_count": ledger["n"],
                "compensation_total": ledger["total"] or Decimal("0.00"),
                "compensation_kinds": compensation_kinds(),
                "compensation_citation": compensation_citation(),
                "compensation_note": compensation_note(),
                "incubation": incubation_table(),
            }
        )
    if incident.plan in PLANS_WITH_REPORT:
        context["assessment_form"] = assessment_form(incident.plan)
        context["assessment_report"] = assessment_get(incident)
    return context


def _back(request: HttpRequest, incident: Incident, action: Any, anchor: str = "") -> HttpResponse:
    try:
        action()
        messages.success(request, "已保存。")
    except DomainError as exc:
        messages.error(request, exc.message)
    url = redirect("command:incident", pk=incident.pk)
    if anchor:
        url["Location"] += f"#{anchor}"
    return url


@require_POST
@role_required(*WRITE_ROLES)
def task_mark(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    incident = incident_get(request.user, pk)
    task = task_get(incident, task_pk)
    done = request.POST.get("done", "1") == "1"
    return _back(
        request,
        incident,
        lambda: plan_services.task_mark(task=task, done=done, actor=current_user(request)),
        "tasks",
    )


def _moment(raw: str) -> datetime:
    raw = raw.strip()
    if not raw:
        raise DomainError("command.time_missing", "请填写时间", field="at")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            "command.time_format", "时间格式应为 YYYY-MM-DD HH:MM", field="at"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


@require_POST
@role_required(*WRITE_ROLES)
def sample_record(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_get(request.user, pk)

    def do() -> None:
        step = request.POST.get("step", "")
        if not step.isdigit():
            raise DomainError("command.sample_step", "样品确认环节无效", field="step")
        plan_services.sample_record(
            incident=incident,
            step=int(step),
            field=request.POST.get("field", ""),
            at=_moment(request.POST.get("at", "")),
            result=request.POST.get("result", ""),
            actor=current_user(request),
        )

    return _back(request, incident, do, "samples")


@require_POST
@role_required(*WRITE_ROLES)
def compensation_add(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_get(request.user, pk)
    form = request.POST
    return _back(
        request,
        incident,
        lambda: plan_services.compensation_add(
            incident=incident,
            actor=current_user(request),
            kind=form.get("kind", ""),
            item=form.get("item", ""),
            owner=form.get("owner", ""),
            quantity=form.get("quantity", ""),
            unit=form.get("unit", ""),
            amount=form.get("amount", ""),
            basis=form.get("basis", ""),
        ),
        "compensation",
    )


@role_required(*READ_ROLES)
def compensation_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The incident's compensation ledger as .xlsx: amounts as exact numbers with two decimals."""
    incident = incident_get(request.user, pk)
    book = Workbook(write_only=True)  # streamed rows: a long ledger exports in one pass
    sheet = book.create_sheet("补偿台账")
    citation = compensation_citation()

    def money(value: Decimal) -> Any:
        cell = WriteOnlyCell(
            sheet, value=cast(Any, value)
        )  # Decimal is written as the exact number
        cell.number_format = "#,##0.00"
        return cell

    append_row(
        sheet,
        [
            f"{incident.incident_type} · {incident.place} · 补偿台账 ({citation.document} {citation.clause})"
        ],
    )
    append_row(
        sheet,
        [
            "序号",
            "类别",
            "物品",
            "所有人",
            "数量",
            "单位",
            "补偿金额(元)",
            "补偿依据",
            "录入人",
            "录入时间",
        ],
    )
    total = Decimal("0.00")
    for n, c in enumerate(incident.compensations.select_related("recorded_by"), start=1):
        append_row(
            sheet,
            [
                n,
                c.kind,
                c.item,
                c.owner,
                c.quantity,
                c.unit,
                money(c.amount),
                c.basis,
                str(c.recorded_by or ""),
                timezone.localtime(c.recorded_at).strftime("%Y-%m-%d %H:%M"),
            ],
        )
        total += c.amount
    append_row(sheet, ["合计", "", "", "", "", "", money(total)])
    return xlsx_response(book, f"compensation-{incident.pk}.xlsx")


@role_required(*READ_ROLES)
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment report form: drafts saved as typed (autosave), filed when complete."""
    incident = incident_get(request.user, pk)
    if incident.plan not in PLANS_WITH_REPORT:
        raise Http404("公报未规定该类事件的评估报告内容")
    form = assessment_form(incident.plan)
    report = assessment_get(incident)
    can_write = may_write(request.user) and (
        report is None or report.status == Assessment.Status.DRAFT
    )
    error = None
    values = dict(report.content) if report else {}
    if request.method == "POST":
        if not may_write(request.user):
            return HttpResponse("您的角色无权填写评估报告", status=403)
        values = {
            k.removeprefix("section:"): str(v)
            for k, v in request.POST.items()
            if k.startswith("section:")
        }
        try:
            report = plan_services.assessment_save(
                incident=incident, content=values, actor=current_user(request)
            )
            if request.headers.get("X-Autosave"):
                return JsonResponse(
                    {
                        "saved": True,
                        "at": timezone.localtime(report.updated_at).strftime("%H:%M:%S"),
                    }
                )
            if request.POST.get("file"):
                plan_services.assessment_file(incident=incident, actor=current_user(request))
                messages.success(request, f"已报送{form.title}。")
                return redirect("command:incident", pk=incident.pk)
            messages.success(request, "草稿已保存。")
            return redirect("command:assessment", pk=incident.pk)
        except DomainError as exc:
            if request.headers.get("X-Autosave"):
                return JsonResponse(exc.as_dict(), status=400)
            error = exc
    return render(
        request,
        "command/assessment.html",
        {
            "incident": incident,
            "form": form,
            "report": report,
            "error": error,
            "can_write": can_write,
            "sections": [(s, values.get(s.name, "")) for s in form.sections],
            "missing": assessment_missing(incident.plan, values),
        },
    )


@role_required(*READ_ROLES)
def assessment_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment report as .docx, each required section under its heading (empty ones marked)."""
    incident = incident_get(request.user, pk)
    if incident.plan not in PLANS_WITH_REPORT:
        raise Http404("公报未规定该类事件的评估报告内容")
    form = assessment_form(incident.plan)
    report = assessment_get(incident)
    content = report.content if report else {}
    doc = Document()
    doc.add_heading(form.title, level=0)
    doc.add_paragraph(
        clean_text(
            f"事件: {incident.incident_type} · {incident.place} · 事发 "
            f"{timezone.localtime(incident.occurred_at):%Y-%m-%d %H:%M}"
        )
    )
    status = (
        "草稿"
        if report is None or report.status == Assessment.Status.DRAFT
        else (
            f"已报送 · {report.filed_by or ''} · {timezone.localtime(report.filed_at):%Y-%m-%d %H:%M}"
            if report.filed_at
            else "已报送"
        )
    )
    doc.add_paragraph(clean_text(f"状态: {status}"))
    doc.add_paragraph(f"依据: {form.citation.document} {form.citation.clause}")
    for n, section in enumerate(form.sections, start=1):
        doc.add_heading(f"{n}. {section.name}", level=1)
        text = clean_text(content.get(section.name, "")).strip()
        doc.add_paragraph(text or ("(未填写)" if section.required else "(无)"))
    return docx_response(doc, f"assessment-{incident.pk}.docx")
