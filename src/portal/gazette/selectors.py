"""Reads of the registry: documents as users see them today, with status, relations and clauses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from chengqu.common import DomainError
from chengqu.data import gazette_issue_names, read_gazette_issue
from chengqu.gazette import Document as DomainDocument
from chengqu.gazette import Public, Status, parse_issue, status_at
from chengqu.trace import ClauseTrace, Trace, build_trace, rule_sites
from portal.gazette.links import canonical_key, implementation_sites
from portal.gazette.models import Clause, Document, DocumentVersion, Issue, Relation


def today() -> date:
    return timezone.localdate()


def can_read(user: AbstractBaseUser | AnonymousUser, version: DocumentVersion | None) -> bool:
    """主动公开 documents (and stubs, which hold no text) are public; others need a login."""
    if version is None or version.is_public:
        return True
    return bool(user.is_authenticated)


def _domain(version: DocumentVersion) -> DomainDocument:
    return DomainDocument(
        number=version.number,
        code=version.code or None,
        year=version.year,
        seq=version.seq,
        title=version.title or None,
        doc_type=version.doc_type or None,
        category=version.category or None,
        issuer=version.issuer or None,
        addressees=tuple(version.addressees),
        signed_date=version.signed_date,
        public=Public(version.public),
        effective_date=version.effective_date,
        validity=version.validity or None,
        expiry_date=version.expiry_date,
        repeals=(),
        cites=(),
        attachments=(),
        clauses=(),
        line_start=version.line_start,
        line_end=version.line_end,
    )


def repealed_on(document_ids: Iterable[int]) -> dict[int, date]:
    """When each document was repealed: the earliest day a current repealer took effect."""
    out: dict[int, date] = {}
    rows = Relation.objects.filter(
        kind=Relation.Kind.REPEALS,
        target_id__in=list(document_ids),
        source__document__current=F("source"),
    ).values_list("target_id", "source__effective_date", "source__signed_date")
    for target_id, effective, signed in rows:
        when = effective or signed
        if when is not None and (target_id not in out or when < out[target_id]):
            out[target_id] = when
    return out


def statuses(versions: Iterable[DocumentVersion], on: date | None = None) -> dict[int, Status]:
    """时效性 of each document version on ``on`` (today by default), keyed by document id."""
    items = list(versions)
    on = on or today()
    repeals = repealed_on(v.document_id for v in items)
    return {
        v.document_id: status_at(_domain(v), on, repealed_on=repeals.get(v.document_id))
        for v in items
    }


def status_of(version: DocumentVersion, on: date | None = None) -> Status:
    return statuses([version], on)[version.document_id]


def issue_latest() -> Issue | None:
    return Issue.objects.order_by("-year", "-number", "-id").first()


def issues_list() -> QuerySet[Issue]:
    return Issue.objects.all()


@dataclass(frozen=True, slots=True)
class TocLine:
    section: str | None
    title: str
    number: str | None
    page: int | None
    key: str | None  # the registry key when the document is stored


def issue_toc(issue: Issue) -> list[TocLine]:
    """The table of contents as printed in the issue's newest version, each line linked if stored."""
    version = issue.versions.order_by("-version").first()
    if version is None:
        return []
    stored = dict(
        DocumentVersion.objects.filter(issue_version=version).values_list("title", "document__key")
    )
    lines = []
    for entry in version.toc:
        number = entry.get("number")
        key = (
            number
            if number and Document.objects.filter(key=number).exists()
            else stored.get(entry["title"])
        )
        lines.append(TocLine(entry.get("section"), entry["title"], number, entry.get("page"), key))
    return lines


def document_get(key: str) -> Document:
    """The document for a key in any bracket form; DomainError gazette.not_found otherwise."""
    found = (
        Document.objects.select_related("current", "current__issue_version__issue")
        .filter(key__in={key, canonical_key(key)})
        .first()
    )
    if found is None:
        raise DomainError("gazette.not_found", f"公报中没有这份文件: {key}")
    return found


def documents_list(
    *,
    user: AbstractBaseUser | AnonymousUser,
    category: str | None = None,
    year: int | None = None,
    issuer: str | None = None,
    status: Status | None = None,
    on: date | None = None,
) -> list[tuple[DocumentVersion, Status]]:
    """Current versions of the stored documents the user may read, with today's status."""
    versions = DocumentVersion.objects.filter(document__current=F("pk")).select_related("document")
    if not user.is_authenticated:
        versions = versions.filter(public=Public.ACTIVE.value)
    if category:
        versions = versions.filter(category=category)
    if year:
        versions = versions.filter(year=year)
    if issuer:
        versions = versions.filter(Q(issuer=issuer) | Q(issuer__contains=issuer))
    items = list(versions.order_by("issue_version__issue", "order"))
    found = statuses(items, on)
    return [
        (v, found[v.document_id]) for v in items if status is None or found[v.document_id] == status
    ]


@dataclass
class ClauseNode:
    clause: Clause
    children: list[ClauseNode] = field(default_factory=list)
    trace: ClauseTrace | None = None  # what executes it (see chengqu.trace)


@cache
def bundled_trace() -> Trace:
    """The trace of the bundled gazette: built once per process from the rule tables' citations
    and the modules' registered pages (both change only with a release)."""
    documents = [
        d for name in gazette_issue_names() for d in parse_issue(read_gazette_issue(name)).documents
    ]
    return build_trace(documents, [*rule_sites(), *implementation_sites()])


def clause_traces(number: str | None) -> dict[str, ClauseTrace]:
    """eId → trace for a document of the bundled gazette; empty for any other document."""
    found = bundled_trace().document(number) if number else None
    return {c.eid: c for c in found.clauses} if found is not None else {}


@dataclass
class Part:
    """The main text or one attachment, with its clause tree."""

    eid: str
    title: str
    roots: list[ClauseNode]


def document_parts(version: DocumentVersion) -> list[Part]:
    nodes: dict[int, ClauseNode] = {}
    parts: dict[int | None, Part] = {None: Part("main", "正文", [])}
    traces = clause_traces(version.number)
    for attachment in version.attachments.all():
        parts[attachment.pk] = Part(attachment.eid, attachment.title or "附件", [])
    for clause in version.clauses.order_by("order"):
        node = ClauseNode(clause, trace=traces.get(clause.eid))
        nodes[clause.pk] = node
        if clause.parent_id is not None and clause.parent_id in nodes:
            nodes[clause.parent_id].children.append(node)
        else:
            parts[clause.attachment_id].roots.append(node)
    return [p for p in parts.values() if p.roots or p.eid != "main"]


@dataclass(frozen=True, slots=True)
class Related:
    key: str
    number: str | None
    title: str
    stub: bool


def document_relations(document: Document) -> dict[str, list[Related]]:
    """repeals / repealed_by / cites / cited_by, from current versions only."""
    out: dict[str, list[Related]] = {"repeals": [], "repealed_by": [], "cites": [], "cited_by": []}
    if document.current_id is not None:
        for rel in Relation.objects.filter(source_id=document.current_id).select_related("target"):
            target = rel.target
            item = Related(target.key, target.number, target.title or rel.title, target.stub)
            out["repeals" if rel.kind == Relation.Kind.REPEALS else "cites"].append(item)
    incoming = Relation.objects.filter(
        target=document, source__document__current=F("source")
    ).select_related("source__document")
    for rel in incoming:
        source = rel.source.document
        item = Related(source.key, source.number, source.title, source.stub)
        out["repealed_by" if rel.kind == Relation.Kind.REPEALS else "cited_by"].append(item)
    return out
