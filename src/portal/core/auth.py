"""The signed-in user of a request, for every view and API handler.

Views are behind ``login_required`` and the API behind ``django_auth``, so an anonymous user
rarely reaches a handler; when one does (a view without the decorator, a test), the answer is the
same refusal everywhere rather than an ``AssertionError``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from portal.accounts.models import User
from portal.accounts.roles import Role, has_role


def current_user(request: HttpRequest, *roles: Role, refusal: str = "") -> User:
    """The request's signed-in user; with ``roles``, one of them is required.

    Raises :class:`PermissionDenied` ("请先登录", or ``refusal`` when the roles are missing),
    which pages answer 403 and the API answers 403 with ``{code, message}``.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("请先登录")
    if roles and not has_role(user, *roles):
        raise PermissionDenied(refusal or "您的角色无权进行此操作")
    return user
