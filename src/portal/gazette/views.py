"""Gazette pages: issues and their contents, documents with clause permalinks, search."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render

from chengqu.common import DomainError
from chengqu.gazette import Status
from portal.gazette import selectors
from portal.gazette.forms import SearchForm
from portal.gazette.links import document_url, implementations_for
from portal.gazette.models import Issue
from portal.gazette.search import SearchFilters, gazette_search


def index(request: HttpRequest) -> HttpResponse:
    issue = selectors.issue_latest()
    return render(
        request,
        "gazette/index.html",
        {
            "issue": issue,
            "toc": selectors.issue_toc(issue) if issue else [],
            "issues": selectors.issues_list(),
            "form": SearchForm(),
        },
    )


def issue_page(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    return render(
        request, "gazette/issue.html", {"issue": issue, "toc": selectors.issue_toc(issue)}
    )


def document_page(request: HttpRequest, key: str) -> HttpResponse:
    try:
        document = selectors.document_get(key)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if document.key != key:
        # Any bracket form of a 文号 leads to the one permalink.
        return HttpResponseRedirect(document_url(document.key))
    version = document.current
    if not selectors.can_read(request.user, version):
        return redirect_to_login(request.get_full_path())
    context: dict[str, Any] = {
        "document": document,
        "version": version,
        "relations": selectors.document_relations(document),
        "implementations": implementations_for(document.number),
    }
    if version is not None:
        context.update(
            status=selectors.status_of(version),
            parts=selectors.document_parts(version),
            issue_version=version.issue_version,
            older=document.versions.exclude(pk=version.pk).select_related("issue_version__issue"),
        )
    return render(request, "gazette/document.html", context)


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits = None
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        filters = SearchFilters(
            category=data["category"] or None,
            year=data["year"],
            issuer=data["issuer"] or None,
            status=Status(data["status"]) if data["status"] else None,
            public_only=not request.user.is_authenticated,
        )
        hits = gazette_search(query=data["q"], filters=filters)
    return render(
        request,
        "gazette/search.html",
        {"form": form, "hits": hits, "query_string": quote(request.GET.get("q", ""))},
    )
