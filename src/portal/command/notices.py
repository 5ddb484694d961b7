"""The command module's notices: an incident's HQ told at once, the duty officer's routing,
overdue reporting clocks (a sweep), and the incident types one may subscribe to.

Each notice carries a key, so calling a function twice for the same event sends one notice. The
services call these inside their transaction; ``chengqu notify sweep`` runs :data:`SWEEPS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from chengqu.command.roster import load_roster
from chengqu.command.routing import load_vocabulary
from chengqu.common import to_local
from portal.command.models import Headquarters, Incident, Seat
from portal.command.selectors import ALL_INCIDENTS, clock_rows
from portal.notify.models import Notification
from portal.notify.services import notify
from portal.notify.topics import Topic, TopicSource


def _stamp(moment: datetime | None) -> str:
    return f"{to_local(moment):%Y-%m-%d %H:%M}" if moment else "—"


def _commander_positions(hq: Headquarters) -> list[int]:
    """The posts of the HQ's 总指挥 / 指挥长 (whoever holds them now receives the notice)."""
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


def incident_topics() -> list[Topic]:
    """Every HQ one may subscribe to, with the everyday words routed to it.

    Source: 城政办发〔2024〕8号 一、二 (the HQs); ``command_routing.toml`` (the words).
    """
    words: dict[str, list[str]] = {}
    for entry in load_vocabulary().entries:
        if entry.ambiguous:
            continue
        for hq in entry.hqs:
            words.setdefault(hq, []).append(entry.word)
    found = []
    for item in load_roster().hqs:
        said = tuple(words.get(item.key, ()))
        if item.key == "general":
            said = ("其他类型突发事件", *said)
        found.append(Topic(item.key, item.name, said))
    return found


# Only those who may read every incident subscribe to incident types: a notice carries the
# incident's place and description.
TOPICS = TopicSource(
    topics=incident_topics,
    roles=ALL_INCIDENTS,
    refusal="您的角色无权订阅突发事件(限指挥部办公室、指挥长、督查室、审计和系统管理员)",
)
SWEEPS = [clocks_overdue]
