"""JSON API of the incentives module, mounted at /api/v1/incentives/.

``POST evaluate`` is public, like the calculator page; batch and claims follow the pages' roles
(see ``permissions.py``). A record the caller may not see answers 404; a refused step 403.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from chengqu.common import DomainError
from chengqu.incentives import evaluate, evaluation_to_dict
from portal.core.api_schema import Day, Id, Offset, OneOf, max_len
from portal.core.auth import current_user
from portal.incentives import permissions, selectors, services
from portal.incentives.models import BatchRun, Claim, Payment
from portal.incentives.views import default_as_of

router = Router(tags=["惠企政策"])
T = TypeVar("T")
Limit = Annotated[int, Query(ge=1, le=1000)]


REFUSAL = "您的角色无权访问"


def _service(call: Callable[[], T]) -> T:
    """Run a service; a refusal for want of a role is 403, any other rule's refusal 400."""
    try:
        return call()
    except DomainError as error:
        if error.code in {"incentives.forbidden", "incentives.same_person"}:
            raise PermissionDenied(error.message) from None
        raise


# ------------------------------------------------------------------------------ evaluate


class EvaluateIn(Schema):
    facts: dict[str, Any]
    as_of: Day | None = None


@router.post("/evaluate", auth=None, summary="测算一户企业可享受的奖励 (公开)")
def evaluate_one(request: HttpRequest, payload: EvaluateIn) -> dict[str, Any]:
    """The public calculator as JSON: awards with their clause, missing facts, near misses."""
    as_of = payload.as_of or default_as_of()[0]
    # Amounts arrive as JSON numbers or strings; floats are re-read from their text, never binary.
    facts = json.loads(json.dumps(payload.facts), parse_float=Decimal)
    evaluation = evaluate(facts, as_of, rules=selectors.effective_rules())
    body = evaluation_to_dict(evaluation, detail=True)
    body["as_of"] = as_of.isoformat()
    return body


# ------------------------------------------------------------------------------ batch


class BatchOut(Schema):
    id: int
    file_name: str
    file_sha256: str
    as_of: date
    uploaded_by: str
    uploaded_at: datetime
    row_count: int
    good_count: int
    error_count: int
    qualified_count: int
    total: str
    published_at: datetime | None
    summary: list[dict[str, Any]]
    errors: list[dict[str, Any]]


def _batch_out(batch: BatchRun) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "file_name": batch.file_name,
        "file_sha256": batch.file_sha256,
        "as_of": batch.as_of,
        "uploaded_by": str(batch.uploaded_by),
        "uploaded_at": batch.uploaded_at,
        "row_count": batch.row_count,
        "good_count": batch.good_count,
        "error_count": batch.error_count,
        "qualified_count": batch.qualified_count,
        "total": f"{batch.total:.2f}",
        "published_at": batch.published_at,
        "summary": batch.summary,
        "errors": batch.errors,
    }


class ResultsOut(Schema):
    count: int
    results: list[dict[str, Any]]


def _results(batch: BatchRun, *, qualified_only: bool, offset: int, limit: int) -> dict[str, Any]:
    rows = selectors.batch_results(batch=batch, qualified_only=qualified_only)
    page = rows[offset : offset + limit]
    return {
        "count": rows.count(),
        "results": [
            {**r.result, "id": r.enterprise_id, "name": r.enterprise_name, "line": r.line}
            for r in page
        ],
    }


@router.get("/batches", response=list[BatchOut], summary="批量测算记录")
def batch_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = current_user(request, *permissions.BATCH_READ_ROLES, refusal=REFUSAL)
    return [_batch_out(b) for b in selectors.batch_list(user=user)[:200]]


@router.post("/batches", response={201: BatchOut}, summary="上传 csv/xlsx 批量测算 (免申即享)")
def batch_create(
    request: HttpRequest, file: File[UploadedFile], as_of: Form[Day | None] = None
) -> Status[dict[str, Any]]:
    user = current_user(request, *permissions.BATCH_RUN_ROLES, refusal=REFUSAL)
    when = as_of or default_as_of()[0]
    batch = _service(
        lambda: services.batch_run_create(
            actor=user, file_name=file.name or "upload", data=file.read(), as_of=when
        )
    )
    return Status(201, _batch_out(batch))


@router.get("/batches/{batch_id}", response=BatchOut, summary="一次批量测算")
def batch_detail(request: HttpRequest, batch_id: Id) -> dict[str, Any]:
    user = current_user(request, *permissions.BATCH_READ_ROLES, refusal=REFUSAL)
    return _batch_out(selectors.batch_get(user=user, pk=batch_id))


@router.get("/batches/{batch_id}/results", response=ResultsOut, summary="逐户结果")
def batch_results(
    request: HttpRequest,
    batch_id: Id,
    qualified_only: bool = False,
    offset: Offset = 0,
    limit: Limit = 100,
) -> dict[str, Any]:
    user = current_user(request, *permissions.BATCH_READ_ROLES, refusal=REFUSAL)
    return _results(
        selectors.batch_get(user=user, pk=batch_id),
        qualified_only=qualified_only,
        offset=offset,
        limit=limit,
    )


@router.post("/batches/{batch_id}/publish", response=BatchOut, summary="公布免申即享名单")
def batch_publish(request: HttpRequest, batch_id: Id) -> dict[str, Any]:
    user = current_user(request, *permissions.BATCH_PUBLISH_ROLES, refusal=REFUSAL)
    batch = selectors.batch_get(user=user, pk=batch_id)
    return _batch_out(_service(lambda: services.batch_run_publish(actor=user, batch=batch)))


class PublishedOut(Schema):
    id: int
    as_of: date
    published_at: datetime
    qualified_count: int
    total: str
    summary: list[dict[str, Any]]


class BatchClaimsOut(Schema):
    created: list[int]
    unmatched: list[str]
    skipped: list[str]


@router.post(
    "/batches/{batch_id}/claims",
    response=BatchClaimsOut,
    summary="免申即享: 为已登记企业生成兑现申报",
)
def batch_claims(request: HttpRequest, batch_id: Id) -> dict[str, Any]:
    user = current_user(request, *permissions.BATCH_RUN_ROLES, refusal=REFUSAL)
    batch = selectors.batch_get(user=user, pk=batch_id)
    done = _service(lambda: services.batch_claims_create(actor=user, batch=batch))
    return {
        "created": [c.pk for c in done.created],
        "unmatched": done.unmatched,
        "skipped": done.skipped,
    }


@router.get(
    "/published", auth=None, response=list[PublishedOut], summary="已公布的免申即享名单 (公开)"
)
def published_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": b.pk,
            "as_of": b.as_of,
            "published_at": b.published_at,
            "qualified_count": b.qualified_count,
            "total": f"{b.total:.2f}",
            "summary": b.summary,
        }
        for b in selectors.published_batches()[:200]
    ]


@router.get(
    "/published/{batch_id}", auth=None, response=ResultsOut, summary="已公布的免申即享名单 (公开)"
)
def published_results(
    request: HttpRequest, batch_id: Id, offset: Offset = 0, limit: Limit = 100
) -> dict[str, Any]:
    batch = selectors.published_batch_get(pk=batch_id)
    body = _results(batch, qualified_only=True, offset=offset, limit=limit)
    # The public list names who and what; the facts and the unmet needs stay internal.
    body["results"] = [
        {"id": r["id"], "name": r["name"], "awards": r["awards"], "total": r["total"]}
        for r in body["results"]
    ]
    return body


# ------------------------------------------------------------------------------ claims


class ClaimOut(Schema):
    id: int
    enterprise: str
    measure: int
    measure_title: str
    tier: str
    one_off: bool
    lead_unit: str
    source: str
    status: str
    status_label: str
    as_of: date
    submitted_at: datetime
    computed_amount: str
    approved_amount: str | None
    facts: dict[str, Any]
    citation: dict[str, Any] | None
    documents: list[dict[str, Any]]
    payment: dict[str, Any] | None


def _claim_out(claim: Claim) -> dict[str, Any]:
    award = next(
        (a for a in claim.evaluation.get("awards", []) if a["measure"] == claim.measure), None
    )
    payment = getattr(claim, "payment", None) if claim.status == Claim.Status.PAID else None
    return {
        "id": claim.pk,
        "enterprise": str(claim.enterprise),
        "measure": claim.measure,
        "measure_title": claim.measure_title,
        "tier": claim.tier,
        "one_off": claim.one_off,
        "lead_unit": claim.lead_unit,
        "source": claim.source,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "as_of": claim.as_of,
        "submitted_at": claim.submitted_at,
        "computed_amount": f"{claim.computed_amount:.2f}",
        "approved_amount": f"{claim.approved_amount:.2f}"
        if claim.approved_amount is not None
        else None,
        "facts": claim.facts,
        "citation": award["citation"] if award else None,
        "documents": [
            {"id": d.pk, "name": d.name, "sha256": d.sha256, "size": d.size}
            for d in claim.documents.all()
        ],
        "payment": (
            {
                "amount": f"{payment.amount:.2f}",
                "reference": payment.reference,
                "paid_at": payment.paid_at.isoformat(),
            }
            if payment is not None
            else None
        ),
    }


@router.get("/claims", response=list[ClaimOut], summary="我能看到的申报")
def claim_list(
    request: HttpRequest, status: Annotated[str, OneOf(tuple(Claim.Status.values))] | None = None
) -> list[dict[str, Any]]:
    user = current_user(request, *permissions.CLAIM_READ_ROLES, refusal=REFUSAL)
    claims = selectors.claim_list(user=user).prefetch_related("documents")
    if status:
        claims = claims.filter(status=status)
    return [_claim_out(c) for c in claims[:500]]


@router.post("/claims", response={201: ClaimOut}, summary="企业申报一条措施 (附证明材料)")
def claim_create(
    request: HttpRequest,
    measure: Form[Annotated[int, Field(ge=1, le=1000)]],
    facts: Form[Annotated[str, Field(max_length=100_000)]],  # a JSON object
    documents: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    user = current_user(request, *permissions.CLAIM_READ_ROLES, refusal=REFUSAL)
    try:
        given = json.loads(facts, parse_float=Decimal)
    except json.JSONDecodeError:
        raise DomainError("incentives.facts_json", "facts 应为 JSON 对象", field="facts") from None
    if not isinstance(given, dict):
        raise DomainError("incentives.facts_json", "facts 应为 JSON 对象", field="facts")
    claim = _service(
        lambda: services.claim_submit(
            actor=user, measure=measure, facts=given, documents=documents or []
        )
    )
    return Status(201, _claim_out(claim))


@router.get("/claims/{claim_id}", response=ClaimOut, summary="一条申报")
def claim_detail(request: HttpRequest, claim_id: Id) -> dict[str, Any]:
    user = current_user(request, *permissions.CLAIM_READ_ROLES, refusal=REFUSAL)
    return _claim_out(selectors.claim_get(user=user, pk=claim_id))


class DecisionIn(Schema):
    approve: bool
    note: str = ""
    amount: Annotated[str, Field(max_length=32)] | None = None  # yuan, as text


class PayIn(Schema):
    reference: Annotated[str, Field(max_length=max_len(Payment, "reference"))]


@router.post("/claims/{claim_id}/review", response=ClaimOut, summary="牵头单位审核")
def claim_review(request: HttpRequest, claim_id: Id, payload: DecisionIn) -> dict[str, Any]:
    user = current_user(request, *permissions.CLAIM_READ_ROLES, refusal=REFUSAL)
    claim = selectors.claim_get(user=user, pk=claim_id)
    return _claim_out(
        _service(
            lambda: services.claim_review(
                actor=user,
                claim=claim,
                approve=payload.approve,
                note=payload.note,
                amount=payload.amount,
            )
        )
    )


@router.post("/claims/{claim_id}/approve", response=ClaimOut, summary="区政府审批")
def claim_approve(request: HttpRequest, claim_id: Id, payload: DecisionIn) -> dict[str, Any]:
    user = current_user(request, *permissions.CLAIM_READ_ROLES, refusal=REFUSAL)
    claim = selectors.claim_get(user=user, pk=claim_id)
    return _claim_out(
        _service(
            lambda: services.claim_approve(
                actor=user, claim=claim, approve=payload.approve, note=payload.note
            )
        )
    )


@router.post("/claims/{claim_id}/pay", response=ClaimOut, summary="兑现")
def claim_pay(request: HttpRequest, claim_id: Id, payload: PayIn) -> dict[str, Any]:
    user = current_user(request, *permissions.CLAIM_READ_ROLES, refusal=REFUSAL)
    claim = selectors.claim_get(user=user, pk=claim_id)
    _service(lambda: services.claim_pay(actor=user, claim=claim, reference=payload.reference))
    claim.refresh_from_db()
    return _claim_out(claim)


class LedgerLineOut(Schema):
    measure: int
    title: str
    count: int
    total: str


class LedgerOut(Schema):
    lines: list[LedgerLineOut]
    total: str


@router.get("/ledger", response=LedgerOut, summary="兑现台账 (分措施)")
def ledger(request: HttpRequest) -> dict[str, Any]:
    user = current_user(request, *permissions.LEDGER_ROLES, refusal=REFUSAL)
    lines, total = selectors.ledger_by_measure(user=user)
    return {
        "lines": [
            {"measure": x.measure, "title": x.title, "count": x.count, "total": f"{x.total:.2f}"}
            for x in lines
        ],
        "total": f"{total:.2f}",
    }
