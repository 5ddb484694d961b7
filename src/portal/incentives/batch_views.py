"""Batch pages (免申即享): upload a statistics export, read its results, export, publish the list."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chengqu.common import DomainError
from chengqu.incentives import default_rules
from portal.accounts.access import role_required
from portal.accounts.models import User
from portal.core.exports import xlsx_response
from portal.core.uploads import uploaded_file
from portal.gazette.links import citation_resolve
from portal.incentives import permissions, selectors
from portal.incentives.exports import batch_workbook
from portal.incentives.models import BatchResult
from portal.incentives.services import batch_claims_create, batch_run_create, batch_run_publish
from portal.incentives.uploads import ID_HEADERS, NAME_HEADERS
from portal.incentives.views import default_as_of

PAGE_SIZE = 100


def _measure_links() -> dict[int, tuple[str | None, str]]:
    """(link, label) of each measure's clause, resolved once per page rather than per award."""
    return {m.number: citation_resolve(m.citation) for m in default_rules().measures}


def _rows(page: Page[BatchResult]) -> list[dict[str, Any]]:
    links = _measure_links()
    rows = []
    for result in page:
        awards = [
            {
                **award,
                "link": links.get(int(award["measure"]), (None, ""))[0],
                "label": links.get(int(award["measure"]), (None, ""))[1],
            }
            for award in result.result["awards"]
        ]
        rows.append({"row": result, "awards": awards, "needs": result.result["needs"]})
    return rows


@role_required(*permissions.BATCH_READ_ROLES)
def batch_list(request: HttpRequest) -> HttpResponse:
    as_of, notice = default_as_of()
    error: DomainError | None = None
    if request.method == "POST":
        if not permissions.can_run_batch(request.user):
            raise PermissionDenied("您的角色无权进行批量测算")
        assert isinstance(request.user, User)
        try:
            try:  # first, so the date stays in the form whatever else is wrong
                as_of = date.fromisoformat(request.POST.get("as_of", "") or as_of.isoformat())
            except ValueError:
                raise DomainError(
                    "incentives.as_of", "测算日期格式应为 YYYY-MM-DD", field="as_of"
                ) from None
            upload = uploaded_file(request, "file")
            if upload is None:
                raise DomainError(
                    "incentives.file", "请选择要上传的 csv 或 xlsx 文件", field="file"
                )
            run = batch_run_create(
                actor=request.user,
                file_name=upload.name or "upload",
                data=upload.read(),
                as_of=as_of,
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"已测算 {run.good_count} 户, {run.error_count} 行有错误")
            return redirect("incentives:batch-detail", pk=run.pk)
    rules = default_rules()
    return render(
        request,
        "incentives/batch_list.html",
        {
            "batches": selectors.batch_list(user=request.user)[:200],
            "can_run": permissions.can_run_batch(request.user),
            "as_of": as_of,
            "notice": notice,
            "error": error,
            "facts": rules.facts.values(),
            "id_headers": ID_HEADERS,
            "name_headers": NAME_HEADERS,
        },
    )


@role_required(*permissions.BATCH_READ_ROLES)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    show_all = request.GET.get("show") == "all"
    results = selectors.batch_results(batch=batch, qualified_only=not show_all)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incentives/batch_detail.html",
        {
            "batch": batch,
            "page": page,
            "rows": _rows(page),
            "show_all": show_all,
            "can_publish": permissions.can_publish_batch(request.user) and not batch.published,
            "can_open_claims": permissions.can_run_batch(request.user) and batch.published,
        },
    )


@role_required(*permissions.BATCH_READ_ROLES)
def batch_export(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    return xlsx_response(batch_workbook(batch), f"免申即享批量测算结果-{batch.pk}.xlsx")


@require_POST
@role_required(*permissions.BATCH_PUBLISH_ROLES)
def batch_publish(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    assert isinstance(request.user, User)
    try:
        batch_run_publish(actor=request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "免申即享名单已公布")
    return redirect("incentives:batch-detail", pk=batch.pk)


@require_POST
@role_required(*permissions.BATCH_RUN_ROLES)
def batch_claims(request: HttpRequest, pk: int) -> HttpResponse:
    """免申即享 → claims for the listed enterprises registered as units (no application needed)."""
    batch = selectors.batch_get(user=request.user, pk=pk)
    assert isinstance(request.user, User)
    try:
        done = batch_claims_create(actor=request.user, batch=batch)
    except DomainError as exc:
        if exc.code == "incentives.forbidden":
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已生成 {len(done.created)} 条免申即享兑现申报, 进入审核流程")
        if done.unmatched:
            shown = "、".join(done.unmatched[:20]) + (" 等" if len(done.unmatched) > 20 else "")
            messages.warning(
                request,
                f"{len(done.unmatched)} 户未在平台登记为企业单位(单位编码 = 企业标识): {shown}",
            )
        if done.skipped:
            shown = "; ".join(done.skipped[:20]) + (" 等" if len(done.skipped) > 20 else "")
            messages.info(request, f"{len(done.skipped)} 项未生成: {shown}")
    return redirect("incentives:batch-detail", pk=batch.pk)


def published_list(request: HttpRequest) -> HttpResponse:
    """Public: the published 免申即享 lists."""
    return render(
        request, "incentives/published_list.html", {"batches": selectors.published_batches()}
    )


def published_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: one published list — who qualifies without applying, for which measure, how much."""
    batch = selectors.published_batch_get(pk=pk)
    results = selectors.batch_results(batch=batch, qualified_only=True)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incentives/published_detail.html",
        {"batch": batch, "page": page, "rows": _rows(page)},
    )
