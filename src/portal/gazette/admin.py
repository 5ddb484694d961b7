"""The registry in the admin: read-only (every write goes through services), plus an upload page
that ingests a new issue through :func:`issue_ingest`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from chengqu.common import DomainError
from portal.accounts.models import User
from portal.audit.admin_mixins import ReadOnlyAdmin
from portal.core.uploads import refusal_error
from portal.gazette.forms import IngestForm
from portal.gazette.models import Document, Issue, IssueVersion
from portal.gazette.services import issue_ingest


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin[Any]):
    list_display = ["__str__", "cumulative_number", "published", "organiser"]
    change_list_template = "gazette/admin_issue_changelist.html"

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "ingest/", self.admin_site.admin_view(self.ingest_view), name="gazette_issue_ingest"
            )
        ]
        return extra + super().get_urls()

    def ingest_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_superuser:
            messages.error(request, "只有系统管理员可以导入公报。")
            return HttpResponseRedirect(reverse("admin:gazette_issue_changelist"))
        form = IngestForm(request.POST or None, request.FILES or None)
        refused = refusal_error(request, "file") if request.method == "POST" else None
        if refused is not None:
            form = IngestForm(request.POST, request.FILES)  # bound, though the file was dropped
            form.is_valid()
            form.errors.pop("file", None)  # not "required": the file came and was refused
            form.add_error("file", refused.message)
        elif request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            actor = request.user if isinstance(request.user, User) else None
            try:
                result = issue_ingest(
                    data=upload.read(), source_name=upload.name or "", actor=actor
                )
            except DomainError as exc:
                form.add_error("file", f"{upload.name}: {exc.message}")
            else:
                if result.created:
                    messages.success(
                        request,
                        f"已导入 {result.issue} 第{result.version.version}版: {result.documents} 份文件。",
                    )
                else:
                    messages.info(
                        request,
                        f"{result.issue} 第{result.version.version}版已是同一文本, 未作任何改动。",
                    )
                return HttpResponseRedirect(reverse("admin:gazette_issue_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "title": "导入公报"}
        return render(request, "gazette/admin_ingest.html", context)


@admin.register(IssueVersion)
class IssueVersionAdmin(ReadOnlyAdmin[Any]):
    list_display = ["__str__", "sha256", "source_name", "ingested_at", "ingested_by"]
    exclude = ["source_text"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin[Any]):
    list_display = ["key", "title", "stub"]
    list_filter = ["stub"]
    search_fields = ["key", "title"]
