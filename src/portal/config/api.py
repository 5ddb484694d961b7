"""The JSON API at /api/v1/: one NinjaAPI, a router per module, errors as {code, message, field}.

The published schema is kept true in one place: :func:`document_errors` adds to every operation
the error answers it can give (see there), with the error body's schema; the routers declare
only their success answers and the rare error an operation gives beyond those rules.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth

from chengqu.common import DomainError
from portal.air.api import router as air_router
from portal.command.api import router as command_router
from portal.core.api import router as platform_router
from portal.core.api_schema import ErrorOut
from portal.fund.api import router as fund_router
from portal.gazette.api import router as gazette_router
from portal.incentives.api import router as incentives_router
from portal.notify.api import router as notify_router
from portal.relics.api import router as relics_router
from portal.supervision.api import router as supervision_router

ERROR_SCHEMA: dict[str, Any] = ErrorOut.model_json_schema()

_ERRORS = {
    "400": "输入含控制字符, 或不符合业务规则 (code 说明原因, field 指出字段)",
    "401": "未登录",
    "403": "角色无权访问, 或缺少 CSRF 令牌",
    "404": "没有找到, 或无权查看",
    "422": "输入格式不正确 (类型、范围、长度或取值)",
}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to each operation the error answers it can give, all with the body ``{code, message, field}``.

    - 401 and 403 where the operation needs a login (a role check, or a write without the CSRF token);
    - 400 and 422 where it takes any input (a query, path or form value, or a body): the input
      hygiene middleware refuses control characters with 400, services refuse with 400, and the
      validation of types, ranges, lengths and choices answers 422;
    - 404 where the path names an object.
    An answer an operation declares itself (``response={401: ...}``) is kept as declared.
    """
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ERROR_SCHEMA
    for path, item in schema.get("paths", {}).items():
        for operation in item.values():
            codes: list[str] = []
            if operation.get("security"):
                codes += ["401", "403"]
            if operation.get("parameters") or operation.get("requestBody"):
                codes += ["400", "422"]
            if "{" in path:
                codes.append("404")
            # ninja's own keys are ints; JSON has only strings, so one spelling for both
            responses = {
                str(status): answer for status, answer in operation.get("responses", {}).items()
            }
            operation["responses"] = responses
            for code in sorted(set(codes) - set(responses)):
                responses[code] = {
                    "description": _ERRORS[code],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                    },
                }
    return schema


# What the input hygiene middleware lets through (portal.core.hygiene): no C0 control but tab, line
# feed and carriage return, no DEL or C1 control, no U+FFFE/U+FFFF. Published as every input text's
# ``pattern`` (a refused text answers 400 before any view runs); lone surrogates, refused too, are
# left out: JSON Schema patterns cannot name them.
CLEAN_TEXT = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufffe\\uffff]*$"


def document_clean_text(schema: dict[str, Any]) -> dict[str, Any]:
    """Give each text an operation takes (query, path, form, JSON body) the :data:`CLEAN_TEXT` pattern."""
    components = schema.get("components", {}).get("schemas", {})
    inputs: list[Any] = []
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            inputs += [p.get("schema") for p in operation.get("parameters", [])]
            inputs += [
                c.get("schema")
                for c in operation.get("requestBody", {}).get("content", {}).values()
            ]
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not isinstance(node, dict):
            return
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/") and ref not in seen:
            seen.add(ref)
            walk(components.get(ref.rsplit("/", 1)[1]))
        if node.get("type") == "string" and not {"format", "enum", "pattern"} & node.keys():
            node["pattern"] = CLEAN_TEXT
        for key in ("properties", "additionalProperties", "items", "anyOf", "oneOf", "allOf"):
            child = node.get(key)
            walk(list(child.values()) if key == "properties" and isinstance(child, dict) else child)

    walk(inputs)
    return schema


class ChengquAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        document_clean_text(schema)
        return schema


api = ChengquAPI(
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


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Raised by ninja itself, e.g. 403 when a signed-in write comes without its CSRF token.
    csrf = "CSRF" in str(exc)
    code = "csrf_failed" if csrf else "http_error"
    message = "缺少或错误的 CSRF 令牌, 请刷新页面后重试" if csrf else str(exc)
    body = {"code": code, "message": message, "field": None}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    location = [
        str(part)
        for part in first.get("loc", ())
        if part not in {"body", "query", "path", "payload"}
    ]
    body = {
        "code": "invalid_input",
        "message": f"输入有误: {first.get('msg', '格式不正确')}",
        "field": ".".join(location) or None,
    }
    return api.create_response(request, body, status=422)
