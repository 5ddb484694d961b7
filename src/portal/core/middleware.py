"""Input hygiene at the edge: every text a request carries is checked once, before any view runs.

It runs in ``process_view``, after the CSRF and authentication middleware have had their say, so a
forged or anonymous request is answered as before; what it refuses never reaches a view, so nothing
is written. API requests (``/api/``) get ``400 {code, message, field}``; pages a 400 page in Chinese
that names the field (the browser's back button keeps what was typed).

Reading never breaks later reads: form and multipart bodies are read through ``request.POST`` and
``request.FILES`` (as Django's CSRF check already does), never ``request.body``; a JSON body is
``request.body``, which Django caches for the API to read again. Invalid JSON is left to the API.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import url_has_allowed_host_and_scheme

from chengqu.common import DomainError
from portal.core import hygiene


class InputHygieneMiddleware(MiddlewareMixin):
    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        app_label = _app_label(request, view)
        try:
            error = _first_error(request, kwargs, app_label)
        except (RequestDataTooBig, SuspiciousOperation, MultiPartParserError):
            # Too large or malformed to read: the view meets the same error (or, for a malformed
            # multipart body, the empty form Django leaves) and answers it as before.
            return None
        if error is None:
            return None
        return refuse(request, error)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A page view that let a service's DomainError escape (a length bound, say) answers the
        # user's mistake with 400 and its message, never 500. The API has its own handlers.
        if isinstance(exception, DomainError) and not _is_api(request):
            return refuse(request, exception)
        return None


def refuse(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The 400 answer: JSON ``{code, message, field}`` under /api/, else the Chinese page."""
    status = 404 if error.code.endswith(".not_found") else 400
    if _is_api(request):
        return JsonResponse(
            error.as_dict(), status=status, json_dumps_params={"ensure_ascii": False}
        )
    if status == 404:
        return render(request, "404.html", status=404)
    back = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    context = {
        "error": error,
        "label": _quoted_label(error.message),
        "back": back,
        "saved_nothing": request.method == "POST",
    }
    return render(request, "core/input_refused.html", context, status=status)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _app_label(request: HttpRequest, view: Callable[..., Any]) -> str | None:
    # portal.command.views or /api/v1/command/… → "command": that app's field labels are preferred.
    if _is_api(request):
        parts = request.path_info.split("/")
        return parts[3] if len(parts) > 3 else None
    module = getattr(view, "__module__", "") or ""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "portal" else None


def _quoted_label(message: str) -> str:
    start, end = message.find("「"), message.find("」")
    return message[start + 1 : end] if 0 <= start < end else ""


def _first_error(
    request: HttpRequest, kwargs: dict[str, Any], app_label: str | None
) -> DomainError | None:
    for field, value, what in _texts(request, kwargs):
        if hygiene.find_control_character(value) is None:
            continue
        label = hygiene.field_label(field, app_label=app_label)
        return hygiene.control_character_error(value, field=field, label=label, what=what)
    return None


def _texts(request: HttpRequest, kwargs: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(field, text, qualifier) for everything the request carries as text."""
    for name, value in kwargs.items():
        if isinstance(value, str):
            yield name, value, ""
    yield from _query_dict(request.GET)
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        content_type = request.content_type or ""
        if content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
            yield from _query_dict(request.POST)
            for name, upload in request.FILES.lists():
                yield name, name, ""
                for item in upload:
                    yield name, item.name or "", "的文件名"
        elif (
            content_type == "application/json" or content_type.endswith("+json") or _is_api(request)
        ):
            # The API parses a body as JSON whatever its declared type, so it is checked as JSON too.
            if not request.body or not hygiene.json_may_hold_refused(
                request.body.decode("utf-8", "replace")
            ):
                return
            try:
                data = json.loads(request.body)
            except (ValueError, RecursionError):
                return  # invalid (or too deeply nested) JSON: the API answers it as it does
            found = hygiene.refused_in_json(data)
            if found is not None:
                yield found[0] or "body", found[1], ""


def _query_dict(data: Any) -> Iterator[tuple[str, str, str]]:
    for name, values in data.lists():
        yield name, name, ""
        for value in values:
            yield name, value, ""
