"""Bundled data of the air module: the member units (2.1) and the headquarters posts (2.1, 3.2)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from chengqu.air.measures import plan_table
from portal.accounts.models import Department, Position
from portal.air.models import HqPost, MemberUnit
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot

EVERY_TOWN = "各镇(街道)"

# The posts of 2.1, as (unit code, title, kind, words of the plan). The 区人武部 is not in the unit
# roster yet; its post is added when it is.
POSTS = (
    ("qzf", "分管生态环境工作的副区长", HqPost.Kind.COMMANDER, "区政府分管生态环境工作的副区长"),
    ("qzfb", "协管生态环境工作的副主任", HqPost.Kind.DEPUTY, "区政府办协管生态环境工作的副主任"),
    ("sthjfj", "主要负责人", HqPost.Kind.DEPUTY, "区生态环境分局主要负责人"),
    ("yjglj", "主要负责人", HqPost.Kind.DEPUTY, "区应急管理局主要负责人"),
    ("rwb", "分管负责人", HqPost.Kind.DEPUTY, "区人武部分管负责人"),
)


def _department(name: str) -> Department | None:
    return (
        Department.objects.filter(name=name).first()
        or Department.objects.filter(short_name=name).first()
    )


def _member_names() -> list[tuple[str, Department | None]]:
    found: list[tuple[str, Department | None]] = []
    for name in plan_table()["members"]["units"]:
        if name == EVERY_TOWN:
            towns = Department.objects.filter(
                kind__in=[Department.Kind.TOWN, Department.Kind.STREET]
            ).order_by("kind", "code")
            found.extend((t.name, t) for t in towns)
        else:
            found.append((str(name), _department(str(name))))
    return found


@transaction.atomic
def load_member_units() -> int:
    """One row per member unit of 2.1 (each town and street for 各镇(街道)), linked to its unit.

    A unit that another module's loader adds later is matched by name when it is needed
    (:func:`portal.air.selectors.member_filter`), so a second run never changes anything.
    """
    changed = 0
    for order, (name, department) in enumerate(_member_names(), start=1):
        member = MemberUnit.objects.filter(name=name).first()
        if member is None:
            member = MemberUnit.objects.create(name=name, department=department, order=order)
            audit_record(actor=None, action="air.member.create", obj=member, after=snapshot(member))
            changed += 1
    return changed


@transaction.atomic
def load_hq_posts() -> int:
    """The 指挥长 and 副指挥长 posts (2.1) as positions; people are assigned in the admin."""
    changed = 0
    for code, title, kind, duty in POSTS:
        department = Department.objects.filter(code=code).first()
        if department is None:
            continue
        position = Position.objects.filter(department=department, title=title).first()
        if position is None:
            position = Position.objects.filter(name=duty).first()
        if position is None:
            position = Position.objects.create(department=department, title=title, name=duty)
            audit_record(
                actor=None, action="position.create", obj=position, after=snapshot(position)
            )
            changed += 1
        if not HqPost.objects.filter(position=position).exists():
            post = HqPost.objects.create(position=position, kind=kind, duty=duty)
            audit_record(actor=None, action="air.hq_post.create", obj=post, after=snapshot(post))
            changed += 1
    return changed


LOADERS: list[tuple[str, str, Callable[[], int]]] = [
    ("air_members", "重污染天气指挥部成员单位", load_member_units),
    ("air_posts", "重污染天气指挥部指挥长、副指挥长岗位", load_hq_posts),
]
