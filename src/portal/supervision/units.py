"""Resolving the unit names the gazette writes to the platform's units (creating missing ones)."""

from __future__ import annotations

import hashlib
import re

from django.db.models import Q

from portal.accounts.models import Department
from portal.accounts.services import department_upsert

# Long forms in the task lists → the short form the unit roster uses.
ALIASES = {
    "区住房和城乡建设局": "区住建局",
    "区文化和旅游局": "区文旅局",
    "区应急局": "区应急管理局",
    "区发展和改革局": "区发改局",
    "区工业和信息化局": "区工信局",
    "区交通运输局": "区交通局",
    "区市场监督管理局": "区市场监管局",
    "区教育和科学技术局": "区教科局",
    "区卫生健康和体育局": "区卫体局",
    "区卫健委": "区卫体局",
    "区行政审批服务管理局": "区行政审批局",
    "区人力资源和社会保障局": "区人社局",
    "区城市管理局": "区城管局",
}
TOWNS_AND_STREETS = (Department.Kind.TOWN, Department.Kind.STREET)
_PAREN = re.compile(r"\([^()]*\)$")


def canonical_name(name: str) -> str:
    """区发展和改革局(区能源局) → 区发改局; 西上庄街道办事处 → 西上庄街道."""
    name = _PAREN.sub("", name.strip())
    if name.endswith("街道办事处"):
        name = name.removesuffix("办事处")
    return ALIASES.get(name, name)


def is_collective(name: str) -> bool:
    """A collective (各镇(街道), 区有关部门 …) names no single unit."""
    return name.startswith(("各", "相关", "区有关", "负有", "区级负有", "区安委会成员")) or not name


def collective_members(name: str) -> list[Department]:
    """The units a collective stands for, where the text says so."""
    kinds: list[str] = []
    if "镇(街道)" in name:
        kinds += list(TOWNS_AND_STREETS)
    if "区直" in name or name == "各部门":
        kinds.append(Department.Kind.ORGAN)
    if not kinds:
        return []
    return list(Department.objects.filter(kind__in=kinds, active=True))


def resolve_unit(name: str) -> Department | None:
    """The unit named ``name`` (by name or short name, after aliasing); created when missing.
    Collectives resolve to None. Must run inside the caller's transaction (it may audit)."""
    if is_collective(name):
        return None
    wanted = canonical_name(name)
    found = Department.objects.filter(Q(name=wanted) | Q(short_name=wanted)).first()
    if found is not None:
        return found
    if wanted.endswith("镇"):
        kind = Department.Kind.TOWN
    elif wanted.endswith("街道"):
        kind = Department.Kind.STREET
    else:
        kind = Department.Kind.ORGAN
    code = "sv-" + hashlib.sha1(wanted.encode("utf-8")).hexdigest()[:12]  # noqa: S324 - a stable slug
    return department_upsert(code=code, name=wanted, kind=kind, short_name=wanted)[0]
