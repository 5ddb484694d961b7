"""Uploads stop at their limit while they arrive, before any view reads them.

Django reads a multipart body through its upload handlers; :class:`LimitedUploadHandler` comes
first. It refuses every file of a request whose Content-Length already passes the request limit,
and counts the bytes of each file as they arrive (Content-Length can be absent or lie), so a file
that passes its limit is dropped at that chunk: nothing is kept in memory or on disk. The refusal
is remembered on the request:

- pages call :func:`uploaded_file` / :func:`uploaded_files`, which raise the Chinese
  ``DomainError`` the page shows beside its form (the form is rendered again, as for any error);
- the API answers ``400 {code, message, field}`` from :class:`UploadLimitMiddleware`, before
  ninja would report the dropped file as a missing field.

The limits (bytes) can be changed in settings: ``CHENGQU_UPLOAD_MAX_FILE_BYTES`` and
``CHENGQU_UPLOAD_MAX_REQUEST_BYTES``. What a file holds once unpacked (an .xlsx is a zip) is
bounded by :mod:`portal.core.tables`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin

from chengqu.common import DomainError

# The largest file any upload accepts: the 免申即享 statistics export (50 MB held about a million
# rows of csv; the 100,000-row bench is 4.3 MB as .xlsx, 15 MB as csv). Smaller limits of one kind
# of file (claim documents 20 MB, relic photographs) are checked by their services from the size.
MAX_FILE_BYTES = 50 * 1024 * 1024
# One request: a claim may carry several documents of up to 20 MB each; a larger body is refused
# from its Content-Length before a byte of it is parsed.
MAX_REQUEST_BYTES = 100 * 1024 * 1024

_REFUSALS = "chengqu.upload_refusals"


@dataclass(frozen=True, slots=True)
class Refusal:
    field: str
    name: str
    message: str


def file_limit() -> int:
    return int(getattr(settings, "CHENGQU_UPLOAD_MAX_FILE_BYTES", MAX_FILE_BYTES))


def request_limit() -> int:
    return int(getattr(settings, "CHENGQU_UPLOAD_MAX_REQUEST_BYTES", MAX_REQUEST_BYTES))


def megabytes(size: int) -> str:
    """50 MB, 2.5 MB, 10 KB: the size as a person reads it."""
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def refusals(request: HttpRequest) -> list[Refusal]:
    """The files of this request that were refused while they arrived (empty when none)."""
    found: list[Refusal] = request.META.get(_REFUSALS, [])
    return found


def refusal_error(request: HttpRequest, field: str | None = None) -> DomainError | None:
    """The refusal of ``field`` (any field when None) as a DomainError, or None."""
    for refusal in refusals(request):
        if field is None or refusal.field == field:
            return DomainError("upload.too_large", refusal.message, field=refusal.field)
    return None


def uploaded_file(request: HttpRequest, field: str = "file") -> UploadedFile[Any] | None:
    """``request.FILES[field]``; raises the refusal's DomainError if the file was too large."""
    upload = request.FILES.get(field)
    error = refusal_error(request, field)
    if error is not None:
        raise error
    return upload


def uploaded_files(request: HttpRequest, field: str) -> list[UploadedFile[Any]]:
    """``request.FILES.getlist(field)``; raises the refusal's DomainError if one was too large."""
    uploads = request.FILES.getlist(field)
    error = refusal_error(request, field)
    if error is not None:
        raise error
    return uploads


class LimitedUploadHandler(FileUploadHandler):
    """Drops a file once it passes its limit, and every file of a body that passes the request's."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803 - Django's name for it
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.max_file = file_limit()
        self.max_request = request_limit()
        self.request_bytes = 0
        self.declared = content_length
        self.too_large = content_length > self.max_request
        if self.request is not None:
            self.request.META[_REFUSALS] = []

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.file_bytes = 0
        if getattr(self, "too_large", False):
            self._refuse(
                f"{file_name}: 本次上传共 {megabytes(self.declared)}, 超过每次 {megabytes(self.max_request)} 的上限, "
                "请压缩或分批上传"
            )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.file_bytes += len(raw_data)
        self.request_bytes += len(raw_data)
        if self.file_bytes > self.max_file:
            self._refuse(f"{self.file_name} 超过 {megabytes(self.max_file)} 上限, 请压缩或分批上传")
        if self.request_bytes > self.max_request:
            self._refuse(
                f"{self.file_name}: 本次上传超过每次 {megabytes(self.max_request)} 的上限, 请分批上传"
            )
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) keeps the file

    def _refuse(self, message: str) -> None:
        if self.request is not None:
            self.request.META.setdefault(_REFUSALS, []).append(
                Refusal(str(self.field_name), str(self.file_name), message)
            )
        raise SkipFile  # the parser closes the file the next handlers began and skips the rest


class UploadLimitMiddleware(MiddlewareMixin):
    """API requests whose upload was refused answer 400 {code, message, field} before the view.

    A signed-out request goes on to the API, which answers 401 as for any request; pages handle
    the refusal themselves (see :func:`uploaded_file`), so they can show it beside their form.
    """

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.method != "POST" or not request.path_info.startswith("/api/"):
            return None
        if not (request.content_type or "").startswith("multipart/"):
            return None
        try:
            request.FILES  # noqa: B018 - parses the body through the handlers (cached for the view)
        except Exception:  # a malformed body: the view meets the same error as before
            return None
        error = refusal_error(request)
        if error is None or not request.user.is_authenticated:
            return None
        return JsonResponse(error.as_dict(), status=400, json_dumps_params={"ensure_ascii": False})
