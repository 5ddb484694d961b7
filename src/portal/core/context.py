"""Template context shared by every page: the navigation and the user's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.accounts.roles import roles_of
from portal.core.modules import MODULES


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles = sorted(r.value for r in roles_of(user)) if user is not None else []
    return {"nav_modules": MODULES, "user_roles": roles}
