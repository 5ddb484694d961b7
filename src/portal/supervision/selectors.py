"""Reads of the supervision module, with the user's visibility applied."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from chengqu.supervision import Colour, State
from chengqu.supervision.loop import COLOUR_LABELS, behind_margin, colour_code, due_soon_days
from portal.accounts.access import sees_all_units
from portal.accounts.models import User
from portal.supervision.models import LoopItem

OPEN_STATES = ("dispatched", "accepted", "in_progress", "returned")


def visible_items(user: User | AnonymousUser, kind: str = LoopItem.Kind.TASK) -> QuerySet[LoopItem]:
    """Items the user may see: all for oversight roles, else those of the user's unit (lead or co-unit)."""
    qs = LoopItem.objects.filter(kind=kind)
    if sees_all_units(user):
        return qs
    if not isinstance(user, User) or user.department_id is None:
        return qs.none()
    shared = LoopItem.co_units.through.objects.filter(department_id=user.department_id).values("loopitem_id")
    return qs.filter(Q(unit_id=user.department_id) | Q(pk__in=shared))


def filter_items(qs: QuerySet[LoopItem], params: dict[str, str], *, today: date) -> QuerySet[LoopItem]:
    """Apply the ledger's filters: leader, unit, status, overdue, livelihood, source, q."""
    if params.get("leader"):
        qs = qs.filter(leader=params["leader"])
    if params.get("unit"):
        qs = qs.filter(Q(unit_id=params["unit"]) if params["unit"].isdigit() else Q(unit_name__contains=params["unit"]))
    if params.get("status"):
        qs = qs.filter(state=params["status"])
    if params.get("overdue"):
        qs = qs.filter(state__in=OPEN_STATES, due__lt=today)
    if params.get("livelihood"):
        qs = qs.filter(livelihood=True)
    if params.get("source"):
        qs = qs.filter(source=params["source"])
    if params.get("q"):
        qs = qs.filter(text__contains=params["q"])
    return qs


@dataclass(frozen=True, slots=True)
class Row:
    item: LoopItem
    colour: Colour
    colour_label: str
    overdue: bool


def rows(items: list[LoopItem], *, today: date) -> list[Row]:
    soon, margin = due_soon_days(), behind_margin()
    out = []
    for item in items:
        colour = colour_code(State(item.state), item.dispatched, item.due, item.progress, today, soon, margin)
        out.append(Row(item=item, colour=colour, colour_label=COLOUR_LABELS[colour], overdue=colour is Colour.RED))
    return out


def leaders(qs: QuerySet[LoopItem]) -> list[str]:
    return [x for x in qs.order_by().values_list("leader", flat=True).distinct() if x]


BUCKETS = ("done", "on_track", "behind", "overdue")
BUCKET_LABELS = {"done": "已办结", "on_track": "正常推进", "behind": "滞后", "overdue": "逾期"}


def bulletin_figures(qs: QuerySet[LoopItem], *, end: date, by: str = "unit") -> list[dict[str, Any]]:
    """Per unit (or per district leader, ``by="leader"``) on ``end``: done, on track, behind
    (yellow), overdue (red). An item closed after ``end`` counts as it stood then (still open)."""
    soon, margin = due_soon_days(), behind_margin()
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(BUCKETS, 0))
    name_field = "leader" if by == "leader" else "unit_name"
    fields = (name_field, "unit__name", "state", "dispatched", "due", "progress", "closed_on")
    bucket_of = {Colour.RED: "overdue", Colour.YELLOW: "behind"}
    for name, unit_name, state_value, dispatched, due, progress, closed_on in (
        qs.order_by().values_list(*fields).iterator(chunk_size=10000)
    ):
        key = (name or "各镇(街道)及其他") if by == "leader" else (unit_name or name or "未明确单位")
        state = State(state_value)
        if state is State.CLOSED:
            if closed_on is not None and closed_on <= end:
                table[key]["done"] += 1
                continue
            state = State.IN_PROGRESS
        colour = colour_code(state, dispatched, due, progress, end, soon, margin)
        table[key][bucket_of.get(colour, "on_track")] += 1
    return [{"unit": unit, **counts, "total": sum(counts.values())} for unit, counts in sorted(table.items())]
