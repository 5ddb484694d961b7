"""Fixtures for the relics census: towns and streets, the 文物局, census teams, an expert."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.accounts.models import Department, User
from portal.accounts.roles import Role
from portal.accounts.services import department_upsert, user_create
from portal.relics.models import Relic
from portal.relics.services import relic_create, relic_file_add

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@dataclass
class World:
    bsd: Department  # 北石店镇
    xjjd: Department  # 西街街道
    bureau_dept: Department
    bureau: User
    team_bsd: User
    team_xj: User
    expert: User
    auditor: User
    outsider: User


def _user(name: str, *roles: Role, department: Department | None = None) -> User:
    return user_create(
        username=name, password="Str0ng-pass-for-tests", roles=roles, department=department
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db) -> World:
    bsd = department_upsert(code="bsdz", name="北石店镇", kind="town")[0]
    xjjd = department_upsert(code="xjjd", name="西街街道", kind="street")[0]
    bureau_dept = department_upsert(code="wlj", name="区文旅局", kind="organ")[0]
    other = department_upsert(code="yjglj", name="区应急管理局", kind="organ")[0]
    return World(
        bsd=bsd,
        xjjd=xjjd,
        bureau_dept=bureau_dept,
        bureau=_user("wenwu", Role.UNIT, department=bureau_dept),
        team_bsd=_user("team_bsd", Role.UNIT, department=bsd),
        team_xj=_user("team_xj", Role.UNIT, department=xjjd),
        expert=_user("expert", Role.RELICS_EXPERT),
        auditor=_user("auditor", Role.AUDITOR),
        outsider=_user("outsider", Role.UNIT, department=other),
    )


def complete(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "玉皇庙",
        "address": "北石店镇府城村",
        "longitude": "112.861",
        "latitude": "35.531",
        "elevation": "760.5",
        "level": "全国重点",
        "category": "古建筑",
        "era": "宋",
        "ownership": "国有",
        "use": "开放参观",
        "state": "好",
        "managing_body": "玉皇庙文物管理所",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_relic(world: World) -> Callable[..., Relic]:
    counter = iter(range(1, 10_000))

    def make(
        *,
        department: Department | None = None,
        photo: bool = True,
        registered: bool = True,
        **overrides: Any,
    ) -> Relic:
        n = next(counter)
        data = complete(**overrides)
        if "longitude" not in overrides:
            data["longitude"] = f"{112.80 + n * 0.005:.3f}"
        origin = Relic.Origin.REGISTERED if registered else Relic.Origin.NEW
        actor = world.bureau if registered else world.team_bsd
        relic = relic_create(
            actor=actor,
            department=department or world.bsd,
            data=data,
            origin=origin,
            code=f"T{n:04d}" if registered else "",
        )
        if photo:
            relic_file_add(
                actor=actor,
                relic=relic,
                kind="photo",
                upload=SimpleUploadedFile("p.jpg", JPEG, "image/jpeg"),
            )
        return relic

    return make


@pytest.fixture
def jpeg() -> bytes:
    return JPEG


@pytest.fixture
def census_data() -> Callable[..., dict[str, Any]]:
    return complete
