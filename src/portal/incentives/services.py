"""Writes of the incentives module: batch runs (免申即享) and claims through to payment.

Each write is atomic and leaves its audit entry in the same transaction. Rules are never decided
here: the engine (``chengqu.incentives``) evaluates, this module records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from chengqu.common import DomainError, clock, round_fen
from chengqu.common.bulk import collector_paused
from chengqu.incentives import Batch, default_rules, evaluate, evaluate_many, evaluation_to_dict
from portal.accounts.models import Department, User
from portal.accounts.roles import Role, has_role, is_read_only
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot
from portal.core.hygiene import check_csv_bytes
from portal.incentives import permissions, selectors, workflow
from portal.incentives.actions import IncentivesAction
from portal.incentives.models import (
    BatchResult,
    BatchRun,
    Claim,
    ClaimDocument,
    ClaimsWindow,
    Payment,
)
from portal.incentives.uploads import EnterpriseRows, enterprise_rows_from_bytes

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_SUFFIXES = (
    ".pdf",
    ".jpg",
    ".jpeg",
    ".png",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ofd",
    ".zip",
)


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _refuse(message: str, code: str = "incentives.forbidden") -> DomainError:
    return DomainError(code, message)


# ------------------------------------------------------------------------------ batch


@transaction.atomic
def batch_run_create(*, actor: User, file_name: str, data: bytes, as_of: date) -> BatchRun:
    """Evaluate an uploaded statistics export and store the run whole.

    A file-level problem (format, header, a bad ``as_of``) raises DomainError and stores nothing;
    a bad row becomes a row error naming its line and field while the good rows are evaluated.

    Source: 城政办发〔2024〕5号 (免申即享 batch matching, issue 7 §4)
    """
    if not permissions.can_run_batch(actor):
        raise _refuse("您的角色无权进行批量测算")
    if file_name.lower().endswith(".csv"):
        # Cell text is stored (names, ids, row errors): a NUL would be a database error on PostgreSQL.
        check_csv_bytes(data, file_name=file_name)
    table = enterprise_rows_from_bytes(file_name, data)
    if not table.rows:
        raise DomainError("incentives.file", f"{file_name} 没有数据行", field="file")
    rules = selectors.effective_rules()
    batch = evaluate_many(table.rows, as_of, rules=rules)
    errors = [
        {
            "line": table.lines[e.index],
            "id": e.id,
            "code": e.code,
            "field": e.field,
            "message": f"第 {table.lines[e.index]} 行"
            + (f" ({e.id})" if e.id else "")
            + f": {e.message}",
        }
        for e in batch.errors
    ]
    summary = [
        {
            "measure": m.measure,
            "title": m.title,
            "count": m.count,
            "total": f"{round_fen(m.total):.2f}",
        }
        for m in batch.by_measure(rules)
    ]
    run = BatchRun.objects.create(
        uploaded_by=actor,
        department=actor.department,
        uploaded_at=timezone.now(),
        file_name=file_name[:255],
        file_sha256=_sha256_hex(data),
        as_of=as_of,
        row_count=len(table.rows),
        good_count=len(batch.results),
        error_count=len(batch.errors),
        qualified_count=sum(1 for r in batch.results if r.evaluation.awards),
        total=round_fen(batch.total),
        summary=summary,
        errors=errors,
    )
    # 100,000 result rows are as many model instances and JSON documents built while the batch's
    # millions of objects are alive: with the cyclic collector running, it rescans them over and
    # over (measured: most of the time of storing). Nothing here forms a lasting cycle.
    collector_paused(_store_results, run, batch, table)
    audit_record(
        actor=actor,
        action=IncentivesAction.BATCH_RUN,
        obj=run,
        after=snapshot(run, exclude=("errors", "summary"))
        | {"summary": summary, "error_lines": [e["line"] for e in errors]},
    )
    return run


def _store_results(run: BatchRun, batch: Batch, table: EnterpriseRows) -> None:
    BatchResult.objects.bulk_create(
        (
            BatchResult(
                batch=run,
                index=row.index,
                line=table.lines[row.index],
                enterprise_id=row.id[:128],
                enterprise_name=table.names[row.index][:255],
                total=round_fen(row.evaluation.total),
                award_count=len(row.evaluation.awards),
                result=evaluation_to_dict(row.evaluation, row.id, detail=True),
            )
            for row in batch.results
        ),
        batch_size=2000,
    )


@transaction.atomic
def batch_run_publish(*, actor: User, batch: BatchRun) -> BatchRun:
    """Publish a run's 免申即享 list (who qualifies without applying); once, and audited."""
    if not permissions.can_publish_batch(actor):
        raise _refuse("您的角色无权公布免申即享名单")
    batch = BatchRun.objects.select_for_update().get(pk=batch.pk)
    if batch.published_at is not None:
        raise DomainError(
            "incentives.batch_published",
            f"该批次已于 {timezone.localtime(batch.published_at):%Y-%m-%d %H:%M} 公布",
        )
    before = snapshot(batch, exclude=("errors", "summary"))
    batch.published_at = timezone.now()
    batch.published_by = actor
    batch.save(update_fields=["published_at", "published_by"])
    audit_record(
        actor=actor,
        action=IncentivesAction.BATCH_PUBLISH,
        obj=batch,
        before=before,
        after=snapshot(batch, exclude=("errors", "summary")),
    )
    return batch


# ------------------------------------------------------------------------------ claims


def _claim_snapshot(claim: Claim) -> dict[str, Any]:
    return snapshot(claim, exclude=("evaluation",))


def _locked(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim.pk)


def _check_document(upload: UploadedFile[bytes]) -> tuple[str, bytes]:
    name = (upload.name or "").rsplit("/", 1)[-1]
    if not name.lower().endswith(DOCUMENT_SUFFIXES):
        raise DomainError(
            "incentives.document_type",
            f"材料 {name} 格式不支持 (可上传 {'、'.join(DOCUMENT_SUFFIXES)})",
            field="documents",
        )
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise DomainError("incentives.document_size", f"材料 {name} 超过 20MB", field="documents")
    data = upload.read()
    if not data:
        raise DomainError("incentives.document_empty", f"材料 {name} 是空文件", field="documents")
    return name, data


def _attach(
    *, actor: User, claim: Claim, uploads: Iterable[UploadedFile[bytes]]
) -> list[ClaimDocument]:
    documents = []
    for upload in uploads:
        name, data = _check_document(upload)
        upload.seek(0)
        document = ClaimDocument(
            claim=claim,
            name=name[:255],
            sha256=_sha256_hex(data),
            size=len(data),
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        document.file.save(name, upload, save=False)
        document.save()
        documents.append(document)
    return documents


@transaction.atomic
def claim_submit(
    *,
    actor: User,
    measure: int,
    facts: Mapping[str, object],
    documents: Iterable[UploadedFile[bytes]] = (),
) -> Claim:
    """An enterprise applies (申报) for one measure with its facts and supporting documents.

    The engine evaluates the facts at today's date (refused outside the claim period); only a
    measure that pays something can be claimed, and a one-off measure already paid, or already
    under way, to this enterprise is refused.

    Source: 城政办发〔2024〕5号 1–16, closing paragraph (分别进行申报)
    """
    enterprise = permissions.enterprise_of(actor)
    if enterprise is None or is_read_only(actor):
        raise _refuse("只有企业用户可以为本企业申报")
    rules = default_rules()
    spec = rules.measure(measure)
    if spec.kind == "guidance" or not spec.facts:
        raise DomainError(
            "incentives.claim_guidance",
            f"第{measure}条“{spec.title}”按{spec.lead_unit}的具体办法实施, 不在此申报",
            field="measure",
        )
    given = {
        k: v
        for k, v in facts.items()
        if v is not None and not (isinstance(v, str) and not v.strip())
    }
    outside = sorted(set(given) - set(spec.facts))
    if outside:
        raise DomainError(
            "incentives.claim_field", f"字段 {outside[0]} 不属于第{measure}条", field=outside[0]
        )
    if not given:
        raise DomainError(
            "incentives.claim_facts", f"请填写第{measure}条所需的数据", field=spec.facts[0]
        )
    as_of = clock.today()  # the district's date (Asia/Shanghai) the claim is evaluated at
    selectors.claims_window_check(as_of=as_of)
    rules = selectors.effective_rules()
    evaluation = evaluate(given, as_of, rules=rules)
    award = next((a for a in evaluation.awards if a.measure == measure), None)
    if award is None:
        reasons = [n.message for n in evaluation.needs] + [
            m.message for m in evaluation.near_misses
        ]
        detail = ("; ".join(reasons)) if reasons else "按所填数据不符合奖励条件"
        raise DomainError(
            "incentives.claim_not_eligible", f"第{measure}条: {detail}", field="measure"
        )
    if spec.one_off:
        already = Claim.objects.filter(enterprise=enterprise, measure=measure).exclude(
            status=Claim.Status.REJECTED
        )
        if already.exists():
            raise DomainError(
                "incentives.one_off_claimed",
                f"第{measure}条为一次性奖励, 本企业已有该条的申报 (#{already.first().pk})",  # type: ignore[union-attr]
                field="measure",
            )
    claim = Claim.objects.create(
        enterprise=enterprise,
        submitted_by=actor,
        submitted_at=timezone.now(),
        as_of=as_of,
        measure=measure,
        measure_title=spec.title,
        one_off=spec.one_off,
        lead_unit=spec.lead_unit,
        tier=award.tier[:128],
        # As given, JSON-safe: numbers as their exact text (a Decimal or int becomes "123.45").
        facts=json.loads(json.dumps(given, default=str), parse_int=str, parse_float=str),
        evaluation=evaluation_to_dict(evaluation, enterprise.code, detail=True),
        computed_amount=award.amount,
    )
    attached = _attach(actor=actor, claim=claim, uploads=documents)
    audit_record(
        actor=actor,
        action=IncentivesAction.CLAIM_SUBMIT,
        obj=claim,
        after=_claim_snapshot(claim) | {"documents": [[d.name, d.sha256] for d in attached]},
    )
    return claim


@transaction.atomic
def claims_window_set(*, actor: User, close: object, basis: str) -> ClaimsWindow:
    """A system administrator records the claim close date the lead units' 申报细则 set.

    Appended (the history stays), audited with the date before and after. The date may not fall
    before the claim period opens.
    """
    if not has_role(actor, Role.ADMIN) or is_read_only(actor):
        raise _refuse("只有系统管理员可以修改申报截止日")
    if isinstance(close, str):
        try:
            close = date.fromisoformat(close.strip())
        except ValueError:
            raise DomainError(
                "incentives.claims_close",
                f"申报截止日格式应为 YYYY-MM-DD: {close!r}",
                field="close",
            ) from None
    if not isinstance(close, date):
        raise DomainError("incentives.claims_close", "请填写申报截止日", field="close")
    basis = basis.strip()
    if not basis:
        raise DomainError(
            "incentives.claims_basis", "请写明依据(如牵头单位申报细则的文号或通知)", field="basis"
        )
    if len(basis) > ClaimsWindow._meta.get_field("basis").max_length:  # type: ignore[operator]
        raise DomainError("incentives.claims_basis", "依据不能超过 255 个字", field="basis")
    before = selectors.claims_window()
    if close < before.open:
        raise DomainError(
            "incentives.claims_close",
            f"申报截止日不能早于申报开始日 {before.open.isoformat()}",
            field="close",
        )
    row = ClaimsWindow.objects.create(close=close, basis=basis, set_by=actor, set_at=timezone.now())
    audit_record(
        actor=actor,
        action=IncentivesAction.CLAIMS_WINDOW_SET,
        obj=row,
        before={"close": before.close.isoformat(), "source": before.source},
        after={"close": close.isoformat(), "basis": basis},
    )
    return row


@transaction.atomic
def claim_document_add(
    *, actor: User, claim: Claim, documents: Iterable[UploadedFile[bytes]]
) -> list[ClaimDocument]:
    """The enterprise adds supporting documents while its claim awaits review."""
    claim = _locked(claim)
    if permissions.enterprise_of(actor) != claim.enterprise or is_read_only(actor):
        raise _refuse("只有申报企业可以补充材料")
    if not workflow.may_take(workflow.Step.DOCUMENTS, claim.status):
        raise DomainError("incentives.claim_state", "申报已进入审核后的环节, 不能再补充材料")
    attached = _attach(actor=actor, claim=claim, uploads=documents)
    if not attached:
        raise DomainError("incentives.document_missing", "请选择要上传的材料", field="documents")
    audit_record(
        actor=actor,
        action=IncentivesAction.CLAIM_DOCUMENT_ADD,
        obj=claim,
        after={"documents": [[d.name, d.sha256] for d in attached]},
    )
    return attached


def _amount(value: object, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except Exception:
        raise DomainError("incentives.amount", f"金额格式不正确: {value!r}", field=field) from None
    if not amount.is_finite() or amount <= 0:
        raise DomainError("incentives.amount", "核定金额必须大于 0", field=field)
    return round_fen(amount)


@transaction.atomic
def claim_review(
    *, actor: User, claim: Claim, approve: bool, note: str = "", amount: object | None = None
) -> Claim:
    """The lead unit's review (牵头单位审核): pass with an amount not above the engine's, or return.

    The amount may be lowered (measure 10 pays audited actual costs up to its cap); never raised.
    """
    claim = _locked(claim)
    if not permissions.can_review(actor, claim.lead_unit):
        raise _refuse(f"只有牵头单位({claim.lead_unit})、金融办或管理员可以审核")
    if not workflow.may_take(workflow.Step.REVIEW, claim.status):
        raise DomainError(
            "incentives.claim_state", f"当前状态为“{claim.get_status_display()}”, 不能审核"
        )
    before = _claim_snapshot(claim)
    now = timezone.now()
    claim.reviewed_by, claim.reviewed_at, claim.review_note = actor, now, note.strip()
    if approve:
        granted = claim.computed_amount if amount in (None, "") else _amount(amount, "amount")
        if granted > claim.computed_amount:
            raise DomainError(
                "incentives.amount_above",
                f"核定金额不能高于测算金额 {claim.computed_amount} 元",
                field="amount",
            )
        claim.approved_amount = granted
        claim.status = workflow.next_status(workflow.Step.REVIEW)
    else:
        if not note.strip():
            raise DomainError("incentives.note_required", "退回时请写明理由", field="note")
        claim.status = workflow.next_status(workflow.Step.REVIEW, passed=False)
        claim.rejected_at = now
    claim.save()
    audit_record(
        actor=actor,
        action=IncentivesAction.CLAIM_REVIEW if approve else IncentivesAction.CLAIM_REVIEW_REJECT,
        obj=claim,
        before=before,
        after=_claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_approve(*, actor: User, claim: Claim, approve: bool, note: str = "") -> Claim:
    """The 区政府's approval (审批) of a reviewed claim; the reviewer cannot also approve."""
    claim = _locked(claim)
    if not permissions.can_approve(actor):
        raise _refuse("只有区政府或管理员可以审批")
    if not workflow.may_take(workflow.Step.APPROVE, claim.status):
        raise DomainError(
            "incentives.claim_state", f"当前状态为“{claim.get_status_display()}”, 不能审批"
        )
    if claim.reviewed_by_id == actor.pk:
        raise _refuse("审核人不能同时审批同一申报", "incentives.same_person")
    before = _claim_snapshot(claim)
    now = timezone.now()
    claim.approved_by, claim.approved_at, claim.approval_note = actor, now, note.strip()
    if approve:
        claim.status = workflow.next_status(workflow.Step.APPROVE)
    else:
        if not note.strip():
            raise DomainError("incentives.note_required", "不予批准时请写明理由", field="note")
        claim.status = workflow.next_status(workflow.Step.APPROVE, passed=False)
        claim.rejected_at = now
    claim.save()
    audit_record(
        actor=actor,
        action=IncentivesAction.CLAIM_APPROVE if approve else IncentivesAction.CLAIM_APPROVE_REJECT,
        obj=claim,
        before=before,
        after=_claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_pay(*, actor: User, claim: Claim, reference: str) -> Payment:
    """兑现: record the payment of an approved claim in the ledger, exactly the approved amount.

    A one-off measure is paid to an enterprise once: the database refuses a second row.
    """
    claim = _locked(claim)
    if not permissions.can_pay(actor):
        raise _refuse("只有金融办或管理员可以登记兑现")
    if not workflow.may_take(workflow.Step.PAY, claim.status) or claim.approved_amount is None:
        raise DomainError(
            "incentives.claim_state", f"当前状态为“{claim.get_status_display()}”, 不能兑现"
        )
    reference = reference.strip()
    if not reference:
        raise DomainError("incentives.reference_required", "请填写兑现凭证号", field="reference")
    before = _claim_snapshot(claim)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                claim=claim,
                enterprise=claim.enterprise,
                measure=claim.measure,
                one_off=claim.one_off,
                amount=round_fen(claim.approved_amount),
                paid_at=timezone.now(),
                paid_by=actor,
                reference=reference[:64],
            )
    except IntegrityError:
        raise DomainError(
            "incentives.one_off_paid",
            f"第{claim.measure}条为一次性奖励, 已向{claim.enterprise}兑现过, 不能重复兑现",
        ) from None
    claim.status = workflow.next_status(workflow.Step.PAY)
    claim.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=IncentivesAction.CLAIM_PAY,
        obj=claim,
        before=before,
        after=_claim_snapshot(claim) | {"payment": snapshot(payment)},
    )
    return payment


@dataclass(frozen=True, slots=True)
class BatchClaims:
    """What turning a published list into claims did: created, and the ids left aside and why."""

    created: list[Claim]
    unmatched: list[str]  # no registered enterprise unit has this id as its code
    skipped: list[str]  # "E1 第14条: ..." — already claimed, or another lead unit's measure


@transaction.atomic
def batch_claims_create(*, actor: User, batch: BatchRun) -> BatchClaims:
    """免申即享: from a published list, open a claim for each award of each listed enterprise that is
    registered as a unit (its code = the id in the file), without the enterprise applying.

    The claims then follow the same path (审核 → 审批 → 兑现) and ledger; a lead unit opens only
    its own measures' claims; a one-off measure already claimed or paid is skipped. Idempotent:
    running it again creates nothing new for the same batch.
    """
    batch = BatchRun.objects.select_for_update().get(pk=batch.pk)
    if batch.published_at is None:
        raise DomainError("incentives.batch_unpublished", "请先公布免申即享名单, 再生成兑现申报")
    if not permissions.can_run_batch(actor):
        raise _refuse("您的角色无权生成免申即享兑现申报")
    rules = default_rules()
    results = list(batch.results.filter(award_count__gt=0).order_by("index"))
    enterprises = {
        d.code: d
        for d in Department.objects.filter(
            kind=Department.Kind.ENTERPRISE, code__in=[r.enterprise_id for r in results]
        )
    }
    created: list[Claim] = []
    unmatched: list[str] = []
    skipped: list[str] = []
    now = timezone.now()
    for result in results:
        enterprise = enterprises.get(result.enterprise_id)
        if enterprise is None:
            unmatched.append(result.enterprise_id)
            continue
        for award in result.result["awards"]:
            number = int(award["measure"])
            measure = rules.measure(number)
            where = f"{result.enterprise_id} 第{number}条"
            if not permissions.can_review(actor, measure.lead_unit):
                skipped.append(f"{where}: 由{measure.lead_unit}办理")
                continue
            existing = Claim.objects.filter(enterprise=enterprise, measure=number).exclude(
                status=Claim.Status.REJECTED
            )
            if existing.filter(batch_result=result).exists() or (
                measure.one_off and existing.exists()
            ):
                skipped.append(f"{where}: 已有申报")
                continue
            claim = Claim.objects.create(
                enterprise=enterprise,
                submitted_by=actor,
                submitted_at=now,
                as_of=batch.as_of,
                measure=number,
                measure_title=measure.title,
                one_off=measure.one_off,
                lead_unit=measure.lead_unit,
                tier=str(award["tier"])[:128],
                facts={},
                evaluation=result.result,
                computed_amount=Decimal(award["amount"]),
                source=Claim.Source.BATCH,
                batch_result=result,
            )
            audit_record(
                actor=actor,
                action=IncentivesAction.CLAIM_FROM_BATCH,
                obj=claim,
                after=_claim_snapshot(claim)
                | {"batch": batch.pk, "file_sha256": batch.file_sha256},
            )
            created.append(claim)
    return BatchClaims(created, unmatched, skipped)
