"""Platform endpoints: the module list (public) and the signed-in user (private)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from portal.accounts.roles import roles_of
from portal.core.auth import current_user
from portal.core.modules import MODULES

router = Router(tags=["平台"])


class ModuleOut(Schema):
    key: str
    label: str
    summary: str
    documents: list[str]
    available: bool


class MeOut(Schema):
    username: str
    display_name: str
    department: str | None
    roles: list[str]


@router.get("/modules", response=list[ModuleOut], auth=None, summary="平台模块及其执行的公报文件")
def modules(request: HttpRequest) -> list[ModuleOut]:
    return [
        ModuleOut(
            key=m.key,
            label=m.label,
            summary=m.summary,
            documents=list(m.documents),
            available=m.url_name is not None,
        )
        for m in MODULES
    ]


@router.get("/me", response=MeOut, summary="当前登录用户")
def me(request: HttpRequest) -> MeOut:
    user = current_user(request)
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        department=user.department.name if user.department else None,
        roles=sorted(r.value for r in roles_of(user)),
    )
