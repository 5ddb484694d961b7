"""The JSON API at /api/v1/: one NinjaAPI, a router per module, errors as {code, message, field}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from chengqu.common import DomainError
from portal.air.api import router as air_router
from portal.command.api import router as command_router
from portal.core.api import router as platform_router
from portal.fund.api import router as fund_router
from portal.gazette.api import router as gazette_router
from portal.incentives.api import router as incentives_router
from portal.notify.api import router as notify_router
from portal.relics.api import router as relics_router
from portal.supervision.api import router as supervision_router

api = NinjaAPI(
    title="chengqu 晋城市城区政务运行平台 API",
    version="1",
    urls_namespace="api-v1",
    auth=django_auth,
)
api.add_router("/platform/", platform_router)
api.add_router("/gazette/", gazette_router)
api.add_router("/air/", air_router)
api.add_router("/command/", command_router)
api.add_router("/fund/", fund_router)
api.add_router("/incentives/", incentives_router)
api.add_router("/supervision/", supervision_router)
api.add_router("/relics/", relics_router)
api.add_router("/notify/", notify_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    # By convention a code ending in ".not_found" names a missing object: 404, not bad input.
    status = 404 if exc.code.endswith(".not_found") else 400
    return api.create_response(request, exc.as_dict(), status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    body = {"code": "not_found", "message": str(exc) or "没有找到", "field": None}
    return api.create_response(request, body, status=404)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    body = {"code": "permission_denied", "message": str(exc) or "无权访问", "field": None}
    return api.create_response(request, body, status=403)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "not_authenticated", "message": "请先登录", "field": None}
    return api.create_response(request, body, status=401)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", ()) if part not in {"body", "query", "path", "payload"}]
    body = {
        "code": "invalid_input",
        "message": f"输入有误: {first.get('msg', '格式不正确')}",
        "field": ".".join(location) or None,
    }
    return api.create_response(request, body, status=422)
