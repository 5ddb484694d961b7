"""Reads of the incentives module, each with the user's visibility applied.

A record the user may not see answers 404 (Http404), so its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from chengqu.common import DomainError, clock, round_fen
from chengqu.incentives import Rules, default_rules
from chengqu.incentives.measures import TABLE
from portal.accounts.models import User
from portal.accounts.roles import has_role
from portal.audit.models import AuditEntry
from portal.audit.selectors import audit_entries_for
from portal.incentives import permissions
from portal.incentives.models import (
    BatchResult,
    BatchRun,
    Claim,
    ClaimDocument,
    ClaimsWindow,
    Payment,
)

AnyUser = User | AnonymousUser

CLAIMS_WINDOW_PAGE = "/incentives/claims-window/"


@dataclass(frozen=True, slots=True)
class ClaimsWindowInForce:
    """The claim period in force: from the rule table, or as an administrator last set it."""

    open: date
    close: date
    source: str  # which configuration the close date comes from, in Chinese
    set_by: str = ""
    set_at: datetime | None = None

    @property
    def configured(self) -> bool:
        """True when an administrator set the close date (not the table's assumption)."""
        return self.set_at is not None


def claims_window() -> ClaimsWindowInForce:
    """The close date in force: the latest administrator setting, else the rule table's assumption."""
    rules = default_rules()
    latest = ClaimsWindow.objects.select_related("set_by").order_by("-set_at", "-pk").first()
    if latest is None:
        assumed = f"(假定: {rules.claims_close_note})" if rules.claims_close_assumed else ""
        return ClaimsWindowInForce(
            rules.claims_open,
            rules.claims_close,
            f"规则表 {TABLE}.toml 的 [claims] close = {rules.claims_close.isoformat()}{assumed}",
        )
    who = latest.set_by.get_full_name() or latest.set_by.username
    when = latest.set_at.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return ClaimsWindowInForce(
        rules.claims_open,
        latest.close,
        f"系统管理员 {who} 于 {when} 在“申报期设置”中设定(依据: {latest.basis})",
        set_by=who,
        set_at=latest.set_at,
    )


def claims_window_check(*, as_of: date) -> None:
    """Refuse a claim outside the claim period, saying which date, from where, and who can change it.

    Source: 城政办发〔2024〕5号 closing paragraph (各牵头单位负责制定申报细则并组织申报)
    """
    window = claims_window()
    change = (
        f"申报截止日由系统管理员在“申报期设置”页面({CLAIMS_WINDOW_PAGE})按牵头单位申报细则修改, "
        "每次修改记入审计日志"
    )
    if as_of > window.close:
        raise DomainError(
            "incentives.claims_closed",
            f"申报期已于 {window.close.isoformat()} 截止, 今天({as_of.isoformat()})不能申报。"
            f"截止日依据: {window.source}。{change}。",
            field="as_of",
        )
    if as_of < window.open:
        raise DomainError(
            "incentives.claims_not_open",
            f"申报期自 {window.open.isoformat()} 开始, 今天({as_of.isoformat()})尚不能申报。",
            field="as_of",
        )


def claims_window_history() -> QuerySet[ClaimsWindow]:
    return ClaimsWindow.objects.select_related("set_by").order_by("-set_at", "-pk")


_RULES_BY_CLOSE: dict[tuple[date, str], Rules] = {}


def effective_rules() -> Rules:
    """The rule table with the claim close date in force (see ``claims_window``)."""
    rules = default_rules()
    window = claims_window()
    if not window.configured:
        return rules
    key = (window.close, window.source)
    known = _RULES_BY_CLOSE.get(key)
    if known is None:
        if len(_RULES_BY_CLOSE) > 16:
            _RULES_BY_CLOSE.clear()
        known = _RULES_BY_CLOSE[key] = replace(
            rules,
            claims_close=window.close,
            claims_close_assumed=False,
            claims_close_note=window.source,
        )
    return known


def batch_list(*, user: AnyUser) -> QuerySet[BatchRun]:
    """Runs the user may read: oversight roles all; a unit user its own unit's runs."""
    runs = BatchRun.objects.select_related("uploaded_by", "department", "published_by")
    if not has_role(user, *permissions.BATCH_READ_ROLES):
        return runs.none()
    if has_role(user, *permissions.BATCH_ALL_UNITS_ROLES):
        return runs
    department_id = user.department_id if isinstance(user, User) else None
    if department_id is None:
        return runs.filter(uploaded_by_id=user.pk)
    return runs.filter(department_id=department_id)


def batch_get(*, user: AnyUser, pk: int) -> BatchRun:
    run = batch_list(user=user).filter(pk=pk).first()
    if run is None:
        raise Http404("没有此批次")
    return run


def batch_results(*, batch: BatchRun, qualified_only: bool = False) -> QuerySet[BatchResult]:
    results = batch.results.all()
    return results.filter(award_count__gt=0) if qualified_only else results


def published_batches() -> QuerySet[BatchRun]:
    """Runs whose 免申即享 list has been published (readable by anyone)."""
    return BatchRun.objects.filter(published_at__isnull=False).order_by("-published_at", "-pk")


def published_batch_get(*, pk: int) -> BatchRun:
    run = published_batches().filter(pk=pk).first()
    if run is None:
        raise Http404("没有此公布名单")
    return run


def claim_list(*, user: AnyUser) -> QuerySet[Claim]:
    """Claims the user may read: an enterprise its own; a lead unit its measures'; oversight all."""
    claims = Claim.objects.select_related(
        "enterprise", "submitted_by", "reviewed_by", "approved_by"
    )
    if not user.is_authenticated or not has_role(user, *permissions.CLAIM_READ_ROLES):
        return claims.none()
    if permissions.sees_all_claims(user):
        return claims
    assert isinstance(user, User)
    visible = Q(pk__in=[])
    enterprise = permissions.enterprise_of(user)
    if enterprise is not None:
        visible |= Q(enterprise=enterprise)
    if user.department is not None and permissions.is_lead_unit_for(user, user.department.name):
        visible |= Q(lead_unit=user.department.name)
    return claims.filter(visible)


def claim_get(*, user: AnyUser, pk: int) -> Claim:
    claim = claim_list(user=user).filter(pk=pk).first()
    if claim is None:
        raise Http404("没有此申报")
    return claim


def claim_history(*, claim: Claim) -> QuerySet[AuditEntry]:
    """The audit entries of a claim, oldest first (the caller has read the claim through
    :func:`claim_get`, so its visibility is already applied)."""
    return audit_entries_for(object_type="incentives.claim", object_id=str(claim.pk))


def claim_document_get(*, user: AnyUser, pk: int) -> ClaimDocument:
    """A supporting document, readable by whoever may read its claim (else 404)."""
    document = ClaimDocument.objects.select_related("claim").filter(pk=pk).first()
    if document is None:
        raise Http404("没有此材料")
    claim_get(user=user, pk=document.claim_id)  # 404 unless the claim is visible
    return document


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """Paid per measure: how many payments and their exact sum."""

    measure: int
    title: str
    count: int
    total: Decimal


def ledger_payments(*, user: AnyUser) -> QuerySet[Payment]:
    if not permissions.can_see_ledger(user):
        return Payment.objects.none()
    payments = Payment.objects.select_related("enterprise", "claim", "paid_by")
    if permissions.sees_all_claims(user):
        return payments
    # A lead unit sees what was paid under its own measures.
    department = user.department if isinstance(user, User) else None
    if department is None:
        return payments.none()
    return payments.filter(claim__lead_unit=department.name)


def ledger_by_measure(*, user: AnyUser) -> tuple[list[LedgerLine], Decimal]:
    """The ledger summed per measure (every measure listed, zero when nothing was paid)."""
    sums = {
        row["measure"]: (row["n"], row["total"])
        for row in ledger_payments(user=user)
        .values("measure")
        .annotate(n=Count("pk"), total=Sum("amount"))
    }
    lines = []
    for measure in default_rules().measures:
        count, total = sums.get(measure.number, (0, None))
        lines.append(
            LedgerLine(measure.number, measure.title, count, round_fen(total or Decimal(0)))
        )
    return lines, sum((line.total for line in lines), Decimal(0))
