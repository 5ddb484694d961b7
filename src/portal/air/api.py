"""JSON API of the air module, mounted at /api/v1/air/."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router

from chengqu.common import DomainError
from portal.accounts.models import User
from portal.accounts.roles import has_role
from portal.air import selectors
from portal.air.models import CapMessage, ListEnterprise, WarningDecision
from portal.core.api_schema import Id, Year, listed

router = Router(tags=["重污染天气"])
# The views refuse another level with 400 air.level and a message naming the levels.
Level = Annotated[str, listed(tuple(selectors.RESPONSE_OF_LEVEL))]  # yellow, orange, red
LevelOrNone = Annotated[str, listed(("none", *selectors.RESPONSE_OF_LEVEL))]


@router.get("/current", auth=None, summary="现行预警(公开)")
def current(request: HttpRequest) -> dict[str, Any]:
    """The warning in force (public, like the page): level, response, measures, CAP identifier."""
    episode = selectors.current_episode()
    decision = selectors.latest_published(episode) if episode else None
    if episode is None or decision is None:
        return {
            "level": "none",
            "response": None,
            "measures": [],
            "published_at": None,
            "cap": None,
        }
    cap = getattr(decision, "cap", None)
    return {
        "level": episode.level,
        "response": decision.response or None,
        "reduction_target_percent": decision.result.get("reduction_target_percent"),
        "measures": decision.result.get("measures", []),
        "published_at": decision.published_at.isoformat() if decision.published_at else None,
        "started_at": episode.started_at.isoformat() if episode.started_at else None,
        "cap": cap.identifier if cap else None,
    }


# ------------------------------------------------------------------ warnings (history, detail)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("请先登录")
    return user


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _decision_json(d: WarningDecision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "episode": d.episode_id,
        "action": d.action,
        "action_label": d.get_action_display(),
        "level": d.level,
        "previous_level": d.previous_level,
        "response": d.response or None,
        "status": d.status,
        "drafted_at": _dt(d.drafted_at),
        "approved_at": _dt(d.approved_at),
        "approver_post": d.approver_post or None,
        "published_at": _dt(d.published_at),
    }


def _visible_decisions(user: User) -> QuerySet[WarningDecision]:
    """Published decisions for every signed-in user (they are public); drafts for the workflow only."""
    qs = WarningDecision.objects.select_related("episode").order_by("-drafted_at", "-pk")
    if selectors.sees_workflow(user):
        return qs
    return qs.filter(status=WarningDecision.Status.PUBLISHED)


@router.get("/warnings", summary="预警历史")
def warnings(request: HttpRequest, drafts: bool = False) -> dict[str, Any]:
    """Published warning decisions, newest first; ``drafts=true`` adds unpublished ones for the workflow roles."""
    user = _user(request)
    qs = _visible_decisions(user)
    if not drafts:
        qs = qs.filter(status=WarningDecision.Status.PUBLISHED)
    return {"items": [_decision_json(d) for d in qs[:500]]}


@router.get("/warnings/{decision_id}", summary="预警决定详情: 研判、措施、CAP 消息")
def warning_detail(request: HttpRequest, decision_id: Id) -> dict[str, Any]:
    user = _user(request)
    d = _visible_decisions(user).filter(pk=decision_id).first()
    if d is None:
        raise Http404("没有这条预警决定")
    result = d.result or {}
    caps = CapMessage.objects.filter(decision__episode_id=d.episode_id).order_by("sent", "pk")
    acks = selectors.acknowledgements_for(user).filter(decision=d)
    return {
        **_decision_json(d),
        "decision": {
            k: result.get(k)
            for k in (
                "level",
                "action",
                "response",
                "reduction_target_percent",
                "reasons",
                "citations",
            )
        },
        "measures": result.get("measures", []),
        "note": d.note,
        "cap_alerts": [
            {
                "identifier": c.identifier,
                "msg_type": c.msg_type,
                "sent": _dt(c.sent),
                "references": c.references or None,
                "decision": c.decision_id,
                "url": f"/air/cap/{c.identifier}.xml",
            }
            for c in caps
        ],
        "acknowledgements": [
            {
                "member": a.member.name,
                "received_at": _dt(a.received_at),
                "notified_at": _dt(a.notified_at),
                "notified_count": a.notified_count,
            }
            for a in acks
        ],
    }


# ------------------------------------------------------------------ the reduction list


def _entry_json(entry: ListEnterprise, *, level: str | None = None) -> dict[str, Any]:
    now = selectors.required_now(entry, level=level)
    tonnes = ("so2", "nox", "pm", "vocs")
    return {
        "id": entry.pk,
        "year": entry.year,
        "name": entry.name,
        "credit_code": entry.credit_code,
        "industry": entry.industry,
        "performance_class": entry.performance_class,
        "emissions": {p: f"{getattr(entry, p)}" for p in tonnes},
        "measures": [
            {
                "response": m.response,
                "text": m.text,
                "reductions": {p: f"{getattr(m, p)}" for p in tonnes},
            }
            for m in entry.measures.all()
        ],
        "exemptions": [
            {
                "clause": x.clause,
                "ground": x.ground or None,
                "responses": sorted(x.response_set()),
                "reason": x.reason,
                "approved_by": x.approved_by,
                "approval_ref": x.approval_ref,
                "approved_on": x.approved_on.isoformat(),
            }
            for x in entry.exemptions.all()
        ],
        "required_now": {
            "level": now.level,
            "response": now.response,
            "exempt": now.exempt,
            "measure": None
            if now.measure is None
            else {
                "text": now.measure.text,
                "reductions": {p: f"{getattr(now.measure, p)}" for p in tonnes},
            },
            "plan_measures": list(now.plan_measures),
        },
    }


@router.get("/list/mine", summary="本企业的应急减排清单")
def list_mine(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    if selectors.enterprise_of(user) is None:
        raise PermissionDenied("只有企业用户可以查看本企业清单")
    return {"items": [_entry_json(e) for e in selectors.list_entries_for(user)]}


@router.get("/list/check", summary="减排清单按级别核算(4.3)")
def list_check(request: HttpRequest, year: Year, level: Level | None = None) -> dict[str, Any]:
    """Whether the year's list reaches 20/30/40 % per pollutant; ``level`` yellow/orange/red narrows it."""
    user = _user(request)
    if not has_role(user, *selectors.LIST_ROLES):
        raise PermissionDenied("您的角色无权查看减排清单核算")
    if level is not None and level not in selectors.RESPONSE_OF_LEVEL:
        raise DomainError("air.level", "预警级别应为 yellow、orange 或 red", field="level")
    checks = [c for c in selectors.reduction_checks(year) if level is None or c.level == level]
    return {
        "year": year,
        "checks": [
            {
                "level": c.level,
                "response": c.response,
                "pollutant": c.pollutant,
                "target_percent": f"{c.target_percent}",
                "district_total": None if c.district_total is None else f"{c.district_total}",
                "reduced": f"{c.reduced}",
                "share_percent": None if c.share_percent is None else f"{c.share_percent}",
                "met": c.met,
                "shortfall": f"{c.shortfall}",
                "citation": {"document": c.citation.document, "clause": c.citation.clause},
            }
            for c in checks
        ],
    }


@router.get("/list/{entry_id}", summary="清单企业详情(本企业或办公室)")
def list_entry(
    request: HttpRequest, entry_id: Id, level: LevelOrNone | None = None
) -> dict[str, Any]:
    user = _user(request)
    entry = selectors.list_entries_for(user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404("没有这条清单记录")
    if level is not None and level not in (*selectors.RESPONSE_OF_LEVEL, "none"):
        raise DomainError("air.level", "预警级别应为 none、yellow、orange 或 red", field="level")
    return _entry_json(entry, level=level)
