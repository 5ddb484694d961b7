"""Claim pages: 申报 (enterprise) → 审核 (lead unit) → 审批 (区政府) → 兑现, and the ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chengqu.common import DomainError
from chengqu.incentives import default_rules
from portal.accounts.access import role_required
from portal.accounts.roles import Role, is_read_only
from portal.core.auth import current_user
from portal.core.exports import xlsx_response
from portal.core.uploads import uploaded_files
from portal.incentives import permissions, selectors, workflow
from portal.incentives.exports import ledger_workbook
from portal.incentives.models import Claim
from portal.incentives.services import (
    claim_approve,
    claim_document_add,
    claim_pay,
    claim_review,
    claim_submit,
    claims_window_set,
)
from portal.incentives.views import TRAVEL_HELP, Field, travel_groups_from_text
from portal.incentives.workflow import Step


def _claimable_measures() -> list[Any]:
    return [m for m in default_rules().measures if m.kind != "guidance" and m.facts]


@role_required(*permissions.CLAIM_READ_ROLES)
def claim_list(request: HttpRequest) -> HttpResponse:
    claims = selectors.claim_list(user=request.user)
    status = request.GET.get("status", "")
    if status in Claim.Status.values:
        claims = claims.filter(status=status)
    return render(
        request,
        "incentives/claim_list.html",
        {
            "claims": claims[:500],
            "statuses": Claim.Status.choices,
            "status": status,
            "can_submit": permissions.enterprise_of(request.user) is not None,
            "can_see_ledger": permissions.can_see_ledger(request.user),
        },
    )


@role_required(*permissions.CLAIM_READ_ROLES)
def claim_new(request: HttpRequest) -> HttpResponse:
    enterprise = permissions.enterprise_of(request.user)
    if enterprise is None or is_read_only(request.user):
        raise PermissionDenied("只有企业用户可以为本企业申报")
    rules = default_rules()
    measures = _claimable_measures()
    source = request.POST if request.method == "POST" else request.GET
    try:
        number = int(source.get("measure", "") or measures[0].number)
        measure = rules.measure(number)
    except (ValueError, DomainError):
        measure = measures[0]
    error: DomainError | None = None
    if request.method == "POST":
        facts: dict[str, object] = {}
        try:
            for name in measure.facts:
                raw = request.POST.get(name, "").strip()
                if raw:
                    kind = rules.facts[name].kind
                    facts[name] = travel_groups_from_text(raw) if kind == "travel_groups" else raw
            claim = claim_submit(
                actor=current_user(request),
                measure=measure.number,
                facts=facts,
                documents=uploaded_files(request, "documents"),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                f"已申报第{claim.measure}条, 测算金额 {claim.computed_amount} 元, 待{claim.lead_unit}审核",
            )
            return redirect("incentives:claim-detail", pk=claim.pk)
    fields = [
        Field(name, rules.facts[name].label, rules.facts[name].kind, source.get(name, ""))
        for name in measure.facts
    ]
    return render(
        request,
        "incentives/claim_new.html",
        {
            "enterprise": enterprise,
            "measures": measures,
            "measure": measure,
            "fields": fields,
            "error": error,
            "travel_help": TRAVEL_HELP,
            "window": selectors.claims_window(),
        },
    )


@role_required(Role.ADMIN)
def claims_window(request: HttpRequest) -> HttpResponse:
    """申报期设置: the administrator records the close date the lead units' 申报细则 set (audited)."""
    error: DomainError | None = None
    if request.method == "POST":
        try:
            claims_window_set(
                actor=current_user(request),
                close=request.POST.get("close", ""),
                basis=request.POST.get("basis", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "申报截止日已更新, 已记入审计日志")
            return redirect("incentives:claims-window")
    return render(
        request,
        "incentives/claims_window.html",
        {
            "window": selectors.claims_window(),
            "history": selectors.claims_window_history()[:50],
            "error": error,
            "form": request.POST if request.method == "POST" else {},
        },
    )


@role_required(*permissions.CLAIM_READ_ROLES)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_get(user=request.user, pk=pk)
    rules = default_rules()
    user = request.user
    history = selectors.claim_history(claim=claim)
    award = next(
        (a for a in claim.evaluation.get("awards", []) if a["measure"] == claim.measure), None
    )
    citation = rules.measure(claim.measure).citation
    facts = [(rules.facts[k].label if k in rules.facts else k, v) for k, v in claim.facts.items()]
    return render(
        request,
        "incentives/claim_detail.html",
        {
            "claim": claim,
            "award": award,
            "citation": citation,
            "facts": facts,
            "history": history,
            "documents": claim.documents.all(),
            "payment": getattr(claim, "payment", None)
            if claim.status == Claim.Status.PAID
            else None,
            "can_add_documents": workflow.may_take(Step.DOCUMENTS, claim.status)
            and permissions.enterprise_of(user) == claim.enterprise,
            "can_review": workflow.may_take(Step.REVIEW, claim.status)
            and permissions.can_review(user, claim.lead_unit),
            "can_approve": (
                workflow.may_take(Step.APPROVE, claim.status)
                and permissions.can_approve(user)
                and claim.reviewed_by_id != user.pk
            ),
            "can_pay": workflow.may_take(Step.PAY, claim.status) and permissions.can_pay(user),
        },
    )


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    claim = selectors.claim_get(user=request.user, pk=pk)
    user = current_user(request)
    decision = request.POST.get("decision") != "reject"
    note = request.POST.get("note", "")
    try:
        if action == "review":
            claim_review(
                actor=user,
                claim=claim,
                approve=decision,
                note=note,
                amount=request.POST.get("amount") or None,
            )
        elif action == "approve":
            claim_approve(actor=user, claim=claim, approve=decision, note=note)
        elif action == "pay":
            claim_pay(actor=user, claim=claim, reference=request.POST.get("reference", ""))
        else:
            claim_document_add(
                actor=user, claim=claim, documents=uploaded_files(request, "documents")
            )
    except DomainError as exc:
        if exc.code in {"incentives.forbidden", "incentives.same_person"}:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
    else:
        messages.success(request, "已办理")
    return redirect("incentives:claim-detail", pk=claim.pk)


@require_POST
@role_required(*permissions.CLAIM_READ_ROLES)
def claim_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in {step.value for step in Step}:
        raise Http404("没有此操作")
    return _act(request, pk, action)


@role_required(*permissions.CLAIM_READ_ROLES)
def claim_document(request: HttpRequest, pk: int) -> HttpResponse:  # a FileResponse
    document = selectors.claim_document_get(user=request.user, pk=pk)
    response: HttpResponse = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.name
    )  # type: ignore[assignment]
    return response


@role_required(*permissions.LEDGER_ROLES)
def ledger(request: HttpRequest) -> HttpResponse:
    lines, total = selectors.ledger_by_measure(user=request.user)
    payments = selectors.ledger_payments(user=request.user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(ledger_workbook(lines, total, payments), "奖励兑现台账.xlsx")
    return render(
        request,
        "incentives/ledger.html",
        {
            "lines": lines,
            "total": total,
            "payments": payments[:500],
        },
    )
