"""The audit log for auditors and administrators: browse, check the chain, export as a ledger."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook

from portal.accounts.access import role_required
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.audit.selectors import audit_chain_verify, audit_entries
from portal.core.exports import append_row, xlsx_response

READERS = (Role.AUDITOR, Role.ADMIN)
EXPORT_LIMIT = 100_000


def _filtered(request: HttpRequest) -> QuerySet[AuditEntry]:
    return audit_entries(
        action=request.GET.get("action", "").strip(), obj=request.GET.get("object", "").strip()
    )


@role_required(*READERS)
def audit_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_filtered(request), 50).get_page(request.GET.get("page"))
    report = audit_chain_verify() if request.GET.get("verify") else None
    return render(
        request, "audit/list.html", {"page": page, "report": report, "query": request.GET}
    )


@role_required(*READERS)
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as 审计日志.xlsx, oldest first, one row per entry with its hash."""
    book = Workbook(write_only=True)  # streamed rows: 100,000 entries export in one pass
    sheet = book.create_sheet("审计日志")
    append_row(
        sheet,
        [
            "序号",
            "时间",
            "操作人",
            "操作",
            "操作说明",
            "对象类型",
            "对象编号",
            "对象",
            "变更前",
            "变更后",
            "哈希",
        ],
    )
    for e in _filtered(request).order_by("seq")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        append_row(
            sheet,
            [
                e.seq,
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_name,
                e.action,
                e.action_label,
                e.object_type,
                e.object_id,
                e.object_repr,
                _cell(e.before),
                _cell(e.after),
                e.hash,
            ],
        )
    return xlsx_response(book, "审计日志.xlsx")


def _cell(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
