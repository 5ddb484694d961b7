"""Loading the bundled data: every loader is idempotent, so `chengqu load` can run any time.

A loader returns how many records it created or changed; running all of them twice in a row
reports zero the second time. Modules add their loader to :data:`LOADERS`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from django.contrib.auth.models import Group
from django.db import transaction

from portal.accounts.models import Department
from portal.accounts.roles import Role
from portal.accounts.services import department_upsert
from portal.core.discovery import app_submodules


@dataclass(frozen=True, slots=True)
class LoadResult:
    name: str
    label: str
    changed: int


def load_roles() -> int:
    created = 0
    with transaction.atomic():
        for role in Role:
            _, was_created = Group.objects.get_or_create(name=role.value)
            created += was_created
    return created


def load_units() -> int:
    text = resources.files("chengqu.data").joinpath("units.toml").read_text(encoding="utf-8")
    kinds = set(Department.Kind.values)
    changed = 0
    for unit in tomllib.loads(text)["unit"]:
        if unit["kind"] not in kinds:
            raise ValueError(f"units.toml: 未知的单位类型 {unit['kind']!r} ({unit['code']})")
        _, did_change = department_upsert(
            code=unit["code"],
            name=unit["name"],
            kind=unit["kind"],
            short_name=unit.get("short_name", ""),
        )
        changed += did_change
    return changed


LOADERS: list[tuple[str, str, Callable[[], int]]] = [  # the platform's own; apps add theirs
    ("roles", "角色", load_roles),
    ("units", "单位名录", load_units),
]


Loader = tuple[str, str, Callable[[], int]]


def all_loaders() -> list[Loader]:
    """The platform's loaders, then each installed app's ``<app>.loading.LOADERS`` in app order."""
    found: list[Loader] = list(LOADERS)
    for module in app_submodules("loading", exclude=("portal.core",)):
        found.extend(module.LOADERS)
    return found


def load_all(only: set[str] | None = None) -> list[LoadResult]:
    results = []
    for name, label, loader in all_loaders():
        if only is not None and name not in only:
            continue
        results.append(LoadResult(name, label, loader()))
    return results
