"""/api/v1/gazette/: documents (list, detail with clauses and relations) and search.

Readable without login for 主动公开 documents, as the pages are; others answer 401 to strangers.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import AuthenticationError
from pydantic import Field

from chengqu.common import DomainError
from chengqu.gazette import Status
from portal.core.api_schema import ErrorOut, Year, max_len
from portal.gazette import selectors
from portal.gazette.links import clause_url, document_url
from portal.gazette.models import Document, DocumentVersion
from portal.gazette.search import SearchFilters, gazette_search

router = Router(tags=["政府公报"])


class DocumentOut(Schema):
    key: str
    number: str | None
    title: str
    doc_type: str
    category: str
    issuer: str
    signed_date: date | None
    effective_date: date | None
    expiry_date: date | None
    public: str
    status: str
    url: str


class ClauseOut(Schema):
    eid: str
    kind: str
    num: str
    heading: str
    text: str
    parent: str | None
    attachment: str | None
    url: str


class RelatedOut(Schema):
    key: str
    number: str | None
    title: str
    stub: bool


class DocumentDetailOut(DocumentOut):
    addressees: list[str]
    validity: str
    issue: str
    attachments: list[dict[str, str]]
    clauses: list[ClauseOut]
    repeals: list[RelatedOut]
    repealed_by: list[RelatedOut]
    cites: list[RelatedOut]
    cited_by: list[RelatedOut]


class ListFilters(Schema):
    category: Annotated[str, Field(max_length=max_len(DocumentVersion, "category"))] | None = None
    year: Year | None = None
    issuer: Annotated[str, Field(max_length=max_len(DocumentVersion, "issuer"))] | None = None
    status: Status | None = None


class SearchQuery(ListFilters):
    q: Annotated[str, Field(max_length=200)]
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class HitOut(Schema):
    number: str | None
    title: str
    clause: str | None
    clause_label: str
    snippet_html: str
    status: str
    url: str


def _document_out(version: DocumentVersion, status: Status) -> dict[str, object]:
    return {
        "key": version.document.key,
        "number": version.number,
        "title": version.title,
        "doc_type": version.doc_type,
        "category": version.category,
        "issuer": version.issuer,
        "signed_date": version.signed_date,
        "effective_date": version.effective_date,
        "expiry_date": version.expiry_date,
        "public": version.public,
        "status": status.value,
        "url": document_url(version.document.key),
    }


@router.get(
    "/documents", response=list[DocumentOut], auth=None, summary="公报文件列表 (未登录时仅主动公开)"
)
def documents(request: HttpRequest, filters: Query[ListFilters]) -> list[dict[str, object]]:
    rows = selectors.documents_list(
        user=request.user,
        category=filters.category,
        year=filters.year,
        issuer=filters.issuer,
        status=filters.status,
    )
    return [_document_out(version, status) for version, status in rows]


@router.get(
    "/documents/{key}",
    response={200: DocumentDetailOut, 401: ErrorOut},
    auth=None,
    summary="公报文件详情: 要素、条款、关系 (未登录时非公开文件 401)",
)
def document_detail(
    request: HttpRequest, key: Annotated[str, Field(max_length=max_len(Document, "key"))]
) -> dict[str, object]:
    document = selectors.document_get(key)
    version = document.current
    if version is None:
        raise DomainError(
            "gazette.stub", f"{document.key} 未收录于公报库, 仅被其他文件引用或废止", field="key"
        )
    if not selectors.can_read(request.user, version):
        raise AuthenticationError
    relations = selectors.document_relations(document)
    clauses = list(version.clauses.select_related("parent", "attachment").order_by("order"))
    out = _document_out(version, selectors.status_of(version))
    out.update(
        addressees=list(version.addressees),
        validity=version.validity,
        issue=str(version.issue_version.issue),
        attachments=[
            {"eid": a.eid, "title": a.title, "doc_type": a.doc_type}
            for a in version.attachments.all()
        ],
        clauses=[
            {
                "eid": c.eid,
                "kind": c.kind,
                "num": c.num,
                "heading": c.heading,
                "text": c.text,
                "parent": c.parent.eid if c.parent else None,
                "attachment": c.attachment.eid if c.attachment else None,
                "url": clause_url(document.key, c.eid),
            }
            for c in clauses
        ],
        **{name: [vars_of(r) for r in items] for name, items in relations.items()},
    )
    return out


def vars_of(related: selectors.Related) -> dict[str, object]:
    return {
        "key": related.key,
        "number": related.number,
        "title": related.title,
        "stub": related.stub,
    }


@router.get("/search", response=list[HitOut], auth=None, summary="全文检索: 标题、文号与条款")
def search(request: HttpRequest, params: Query[SearchQuery]) -> list[dict[str, object]]:
    filters = SearchFilters(
        category=params.category,
        year=params.year,
        issuer=params.issuer,
        status=params.status,
        public_only=not request.user.is_authenticated,
    )
    hits = gazette_search(query=params.q, filters=filters, limit=params.limit)
    return [
        {
            "number": h.number,
            "title": h.title,
            "clause": h.clause_eid,
            "clause_label": h.clause_label,
            "snippet_html": str(h.snippet_html),
            "status": h.status.value,
            "url": h.url,
        }
        for h in hits
    ]
