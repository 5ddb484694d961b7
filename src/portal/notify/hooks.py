"""What other modules call when something happens that somebody must be told.

Each hook is one line in the caller's service, inside its transaction; each builds the notice
and the addressees from the caller's records and calls :func:`portal.notify.services.notify`.
Each notice carries a key, so calling a hook twice for the same event sends one notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from chengqu.common import to_local
from portal.accounts.models import Department
from portal.notify.models import Notification
from portal.notify.services import notify

if TYPE_CHECKING:
    from portal.air.models import WarningDecision
    from portal.command.models import Headquarters, Incident


def _stamp(moment: datetime | None) -> str:
    return f"{to_local(moment):%Y-%m-%d %H:%M}" if moment else "—"


def _commander_positions(hq: Headquarters) -> list[int]:
    """The posts of the HQ's 总指挥 / 指挥长 (whoever holds them now receives the notice)."""
    from portal.command.models import Seat

    seats = Seat.objects.filter(hq=hq, role__in=[Seat.Role.CHIEF, Seat.Role.COMMANDER])
    return list(seats.order_by("order").values_list("post__position_id", flat=True))


def _incident_body(incident: Incident) -> str:
    lines = [
        f"事件类型: {incident.incident_type}",
        f"事发时间: {_stamp(incident.occurred_at)}",
        f"地点: {incident.place}",
    ]
    if incident.reporter:
        lines.append(f"报告人: {incident.reporter}")
    if incident.description:
        lines.append(f"描述: {incident.description}")
    return "\n".join(lines)


def _to_hq(incident: Incident, hq: Headquarters, *, title: str, key: str) -> Notification | None:
    """The HQ's office host unit, its commanders' posts and the subscribers of the HQ."""
    return notify(
        title=title,
        body=_incident_body(incident) + f"\n牵头指挥部: {hq.name}(办公室设在{hq.office_host.name})",
        url=reverse("command:incident", args=[incident.pk]),
        kind=Notification.Kind.INCIDENT,
        topic=hq.key,
        source=hq.citation.label(),
        sender=incident.created_by,
        units=[hq.office_host_id],
        positions=_commander_positions(hq),
        subscribers_of=[hq.key],
        key=key,
        reason=f"{hq.name}",
    )


def incident_registered(incident: Incident) -> Notification | None:
    """A new incident: its HQ is told at once (office host unit, commanders, subscribers).

    When the words name several HQs, the general HQ's office (which decides) and the
    subscribers of every candidate are told that the leading HQ is still to be chosen.
    Source: 城政办发〔2024〕8号 一、二 (the HQs, their offices and commanders).
    """
    from portal.command.models import Headquarters

    if incident.hq is not None:
        return _to_hq(
            incident,
            incident.hq,
            title=f"突发事件: {incident.incident_type}({incident.place}) — {incident.hq.name}",
            key=f"incident:{incident.pk}:hq:{incident.hq.key}",
        )
    general = Headquarters.objects.filter(key="general").select_related("office_host").first()
    candidates = list(Headquarters.objects.filter(key__in=incident.candidates).order_by("order"))
    names = "、".join(hq.name for hq in candidates)
    return notify(
        title=f"突发事件待确定牵头指挥部: {incident.incident_type}({incident.place})",
        body=_incident_body(incident) + (f"\n候选指挥部: {names}" if names else ""),
        url=reverse("command:incident", args=[incident.pk]),
        kind=Notification.Kind.INCIDENT,
        source=general.citation.label() if general else "",
        sender=incident.created_by,
        units=[general.office_host_id] if general else [],
        subscribers_of=[hq.key for hq in candidates],
        key=f"incident:{incident.pk}:pending",
        reason="待确定牵头指挥部",
    )


def incident_routed(incident: Incident) -> Notification | None:
    """The duty officer chose the leading HQ: that HQ is told (once per HQ and incident)."""
    if incident.hq is None:
        return None
    return _to_hq(
        incident,
        incident.hq,
        title=f"突发事件已确定由{incident.hq.name}牵头: {incident.incident_type}({incident.place})",
        key=f"incident:{incident.pk}:hq:{incident.hq.key}",
    )


def clocks_overdue(
    *, now: datetime | None = None, incidents: Iterable[Incident] | None = None
) -> list[Notification]:
    """Tell the HQ of each open incident about every reporting clock now past due with nothing
    filed — once per clock. Run by ``chengqu notify sweep`` (e.g. every minute from cron).

    Source: 城政办发〔2024〕7号 4.1–4.2, 城政办发〔2024〕2号 3.3 (the clocks, via the command module).
    """
    from portal.command.models import Incident
    from portal.command.selectors import clock_rows

    now = now or timezone.now()
    if incidents is None:
        incidents = (
            Incident.objects.filter(status=Incident.Status.OPEN)
            .exclude(plan="")
            .select_related("hq", "hq__office_host")
        )
    sent: list[Notification] = []
    for incident in incidents:
        if incident.hq is None or incident.status != Incident.Status.OPEN:
            continue
        for row in clock_rows(incident, now=now):
            if not row.overdue:
                continue
            deadline = row.deadline
            key = f"clock:{incident.pk}:{deadline.key}"
            if Notification.objects.filter(key=key).exists():
                continue
            found = notify(
                title=f"报告已逾期: {deadline.report} — {incident.incident_type}({incident.place})",
                body=f"应于 {_stamp(deadline.due)} 前报送, 尚未报送。\n" + _incident_body(incident),
                url=reverse("command:incident", args=[incident.pk]),
                kind=Notification.Kind.CLOCK,
                topic=incident.hq.key,
                source=deadline.citation.label() if deadline.citation else "",
                units=[incident.hq.office_host_id],
                positions=_commander_positions(incident.hq),
                key=key,
                reason="报告时限已过",
            )
            if found is not None:
                sent.append(found)
    return sent


def _member_departments() -> list[int]:
    """The units of the air HQ's active member units: linked, or (unlinked) found by name."""
    from portal.air.models import MemberUnit

    members = list(MemberUnit.objects.filter(active=True).values_list("department_id", "name"))
    linked = {d for d, _ in members if d}
    names = [n for d, n in members if not d]
    if names:
        linked.update(
            Department.objects.filter(Q(name__in=names) | Q(short_name__in=names)).values_list(
                "pk", flat=True
            )
        )
    return sorted(linked)


LEVELS = {"none": "无", "yellow": "黄色预警", "orange": "橙色预警", "red": "红色预警"}


def air_decision_published(decision: WarningDecision) -> Notification | None:
    """A heavy-pollution warning published, changed or released: every member unit is told
    (they must confirm receipt and notify their enterprises within 2 hours).

    Source: 城政办发〔2024〕1号 3.2 (publication and notice to member units), 4.6 (release).
    """
    if decision.action == "release":
        title = f"重污染天气{LEVELS.get(decision.previous_level, decision.previous_level)}解除, 应急响应终止"
    else:
        level = LEVELS.get(decision.level, decision.level)
        title = f"重污染天气{level}{decision.get_action_display()}, 启动{decision.get_response_display()}应急响应"
    body = f"发布时间: {_stamp(decision.published_at)}"
    if decision.note:
        body += f"\n说明: {decision.note}"
    if decision.action != "release":
        body += "\n请在2小时内确认收到并通知本单位涉及的企业。"
    return notify(
        title=title,
        body=body,
        url=reverse("air:unit"),
        kind=Notification.Kind.AIR,
        topic="plan_heavy_pollution",
        source="城政办发〔2024〕1号 3.2",
        sender=decision.published_by,
        units=_member_departments(),
        key=f"air:decision:{decision.pk}",
        reason="重污染天气应急指挥部成员单位",
    )
