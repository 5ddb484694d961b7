"""Loading the command roster (城政办发〔2024〕8号 and the three plans) into the database.

Idempotent: a second run changes nothing and returns 0. A post given to someone else after the
load keeps its new holder: the loader only seats the notice's holder on a post nobody holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction

from chengqu.command import load_roster
from chengqu.command.roster import Headquarters as RosterHQ
from chengqu.command.roster import Roster
from portal.accounts.models import Department, Person, Position, PositionHolding
from portal.accounts.services import department_upsert
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot
from portal.command.actions import CommandAction
from portal.command.models import Headquarters, Post, Seat

# 城政办发〔2024〕8号 was issued on 2024-03-08 and took effect that day (gazette line 2126–2130):
# the holders it names hold their posts from then.
ROSTER_DATE = date(2024, 3, 8)

_SUFFIXES = ("人民政府", "办事处")


def _department_kind(name: str) -> str:
    if name.endswith(("镇人民政府", "镇")):
        return Department.Kind.TOWN
    if "街道" in name:
        return Department.Kind.STREET
    if name.startswith(("区政府", "晋城市城区人民政府")):
        return Department.Kind.GOVERNMENT
    if name.startswith(("区", "团区委", "市")):
        return Department.Kind.ORGAN
    return Department.Kind.OTHER


def unit_for(name: str) -> tuple[Department, bool]:
    """The Department a roster unit names: by name or short name (北石店镇人民政府 → 北石店镇),
    created through ``department_upsert`` when the unit roster does not have it yet."""
    names = {name}
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            names.add(name.removesuffix(suffix))
    found = Department.objects.filter(name__in=names).order_by("pk").first()
    if found is None:
        found = Department.objects.filter(short_name__in=names).order_by("pk").first()
    if found is not None:
        return found, False
    code = "cmd-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return department_upsert(code=code, name=name, kind=_department_kind(name), short_name=name)


# The audit actions of a row created and of a row updated, per loaded table.
_ACTIONS: dict[type[Any], tuple[CommandAction, CommandAction]] = {
    Post: (CommandAction.POST_CREATE, CommandAction.POST_UPDATE),
    Headquarters: (CommandAction.HQ_CREATE, CommandAction.HQ_UPDATE),
    Seat: (CommandAction.SEAT_CREATE, CommandAction.SEAT_UPDATE),
}


def _put(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool]:
    """Create or update one row by ``lookup``; audited; returns (row, changed)."""
    create, update = _ACTIONS[model]
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values)
        row.full_clean()
        row.save()
        audit_record(actor=None, action=create, obj=row, after=snapshot(row))
        return row, True
    before = snapshot(row)
    for field, value in values.items():
        setattr(row, field, value)
    after = snapshot(row)
    if before == after:
        return row, False
    row.full_clean()
    row.save()
    audit_record(actor=None, action=update, obj=row, before=before, after=after)
    return row, True


@transaction.atomic
def roster_load(roster: Roster | None = None) -> int:
    """Put the roster's HQs, posts, holders and seats into the database; returns rows changed.

    New rows are created in bulk and recorded in one audit entry listing them; changed rows
    are audited one by one.
    Source: 城政办发〔2024〕8号 一、二; 城政办发〔2024〕1号 2.1; 2号 2.1; 7号 2.1.
    """
    roster = roster or load_roster()
    changed = 0
    units: dict[str, Department] = {}

    def unit(name: str) -> Department:
        nonlocal changed
        if name not in units:
            units[name], did = unit_for(name)
            changed += did
        return units[name]

    created: dict[str, list[str]] = {"posts": [], "holders": [], "seats": []}
    existing = {p.key: p for p in Post.objects.select_related("position")}
    positions = {
        (p.department_id, p.title): p
        for p in Position.objects.filter(title__in=list(roster.by_key))
    }
    posts: dict[str, Post] = {}
    new_posts: list[Post] = []
    for order, item in enumerate(roster.by_key.values()):
        department = unit(item.unit)
        values = {
            "title": item.title,
            "title_given": item.title_given,
            "order": order,
            "document": item.citation.document,
            "clause": item.citation.clause,
            "line": item.line,
        }
        post = existing.get(item.key)
        if post is not None:
            posts[item.key], did = _put(Post, {"key": item.key}, values)
            changed += did
            continue
        position = positions.get((department.pk, item.key))
        if position is None:
            position = Position.objects.create(
                department=department, title=item.key, name=f"{item.unit}·{item.key}"[:128]
            )
        post = Post(key=item.key, position=position, **values)
        new_posts.append(post)
        posts[item.key] = post
        created["posts"].append(item.key)
    Post.objects.bulk_create(new_posts)
    changed += len(new_posts)

    held = set(
        PositionHolding.objects.filter(
            end__isnull=True, position__command_post__isnull=False
        ).values_list("position_id", flat=True)
    )
    wanted = [
        (posts[i.key], i.holder)
        for i in roster.by_key.values()
        if i.holder and posts[i.key].position_id not in held
    ]
    if wanted:
        people = {
            p.name: p
            for p in Person.objects.filter(
                name__in=[n for _, n in wanted], holdings__position__command_post__isnull=False
            )
        }
        for _, name in wanted:
            if name not in people:
                people[name] = Person.objects.create(name=name)
        PositionHolding.objects.bulk_create(
            PositionHolding(position_id=post.position_id, person=people[name], start=ROSTER_DATE)
            for post, name in wanted
        )
        created["holders"] = [f"{post.key}: {name}" for post, name in wanted]
        changed += len(wanted)

    hqs: dict[str, Headquarters] = {}
    general = roster.general()
    seats = {(s.hq_id, s.post_id, s.role): s for s in Seat.objects.all()}
    new_seats: list[Seat] = []
    for order, hq in enumerate(roster.hqs):
        parent_key = "" if hq is general else (hq.related or general.key)
        row, did = _put(
            Headquarters,
            {"key": hq.key},
            _hq_values(hq, order, unit(hq.office.host), hqs.get(parent_key)),
        )
        changed += did
        hqs[hq.key] = row
        keep: set[tuple[int, int, str]] = set()
        for n, seat in enumerate(hq.seats):
            post = posts[seat.position]
            key = (row.pk, post.pk, str(seat.role))
            keep.add(key)
            # A seat written as the bare key ("副区长#1") is written in the notice as the title.
            words = (
                roster.position(seat.position).title
                if seat.as_written == seat.position
                else seat.as_written
            )
            values = {
                "as_written": words,
                "order": n,
                "document": seat.citation.document,
                "clause": seat.citation.clause,
                "text": f"{seat.role.value}:{words}",
            }
            if key in seats:
                _, did = _put(Seat, {"hq": row, "post": post, "role": str(seat.role)}, values)
                changed += did
            else:
                new_seats.append(Seat(hq=row, post=post, role=str(seat.role), **values))
                created["seats"].append(f"{hq.key}/{seat.role.value}/{post.key}")
        for key, stale in seats.items():
            if key[0] == row.pk and key not in keep:
                audit_record(
                    actor=None, action=CommandAction.SEAT_DELETE, obj=stale, before=snapshot(stale)
                )
                stale.delete()
                changed += 1
    Seat.objects.bulk_create(new_seats)
    changed += len(new_seats)
    # An HQ a plan links to may be listed after it: fix parents in a second pass.
    for hq in roster.hqs:
        if hq.related and hqs[hq.key].parent_id != hqs[hq.related].pk:
            _, did = _put(Headquarters, {"key": hq.key}, {"parent": hqs[hq.related]})
            changed += did
    if any(created.values()):
        audit_record(
            actor=None,
            action=CommandAction.ROSTER_LOAD,
            object_type="command.roster",
            object_id=roster.document,
            object_repr=roster.title[:255],
            after={"date": ROSTER_DATE.isoformat(), **created},
        )
    return changed


def _hq_values(
    hq: RosterHQ, order: int, host: Department, parent: Headquarters | None
) -> dict[str, Any]:
    return {
        "kind": str(hq.kind),
        "name": hq.name,
        "also": hq.also,
        "order": order,
        "parent": parent,
        "document": hq.document,
        "clause": hq.clause,
        "duties": hq.duties,
        "duties_clause": hq.duties_citation.clause,
        "members_text": hq.members_text,
        "member_units": list(hq.member_units),
        "office_host": host,
        "office_text": hq.office.text,
        "office_duties": hq.office.duties,
        "office_document": hq.office.citation.document,
        "office_clause": hq.office.citation.clause,
        "groups": list(hq.groups),
        "groups_note": hq.groups_note,
        "notes": list(hq.notes),
    }


LOADERS: list[tuple[str, str, Callable[[], int]]] = [
    ("command", "应急指挥体系", roster_load),
]
