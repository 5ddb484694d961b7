"""The air module's notices: a warning published, changed or released reaches every member unit."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.urls import reverse

from chengqu.common import to_local
from portal.accounts.models import Department
from portal.air.models import MemberUnit, WarningDecision
from portal.notify.models import Notification
from portal.notify.services import notify


def _stamp(moment: datetime | None) -> str:
    return f"{to_local(moment):%Y-%m-%d %H:%M}" if moment else "—"


def _member_departments() -> list[int]:
    """The units of the air HQ's active member units: linked, or (unlinked) found by name."""
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
