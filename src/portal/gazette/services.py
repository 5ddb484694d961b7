"""Writes to the registry. Every write is atomic and audited once per ingest (not per clause)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction

from chengqu.common import DomainError
from chengqu.gazette import Document as ParsedDocument
from chengqu.gazette import ParseResult, parse_issue, walk_clauses
from chengqu.gazette.model import Clause as ParsedClause
from chengqu.gazette.model import DocRef
from chengqu.gazette.render import issue_json
from portal.accounts.models import User
from portal.audit.services import audit_record
from portal.gazette.actions import GazetteAction
from portal.gazette.bigrams import to_bigrams
from portal.gazette.models import (
    Attachment,
    Clause,
    Document,
    DocumentVersion,
    Issue,
    IssueVersion,
    Relation,
    SearchEntry,
)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What an ingest did: ``created`` is False when the same text was already in the registry."""

    issue: Issue
    version: IssueVersion
    created: bool
    documents: int
    clauses: int
    stubs: tuple[str, ...]


def _text_sha256(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def _issue_key(result: ParseResult) -> str:
    issue = result.issue
    if issue.year and issue.number:
        return f"{issue.year}-{issue.number}"
    # A file holding single documents rather than a numbered issue: named by its first document.
    return f"doc:{result.documents[0].key}"[:200]


def _ref_key(ref: DocRef) -> str:
    return ref.number or f"无文号:{ref.title}"


def issue_ingest(
    *, data: bytes | str, source_name: str = "", actor: User | None = None
) -> IngestResult:
    """Parse an issue's text and store it as a new issue version.

    The same text (by SHA-256) already stored changes nothing and writes no audit entry. A
    changed text of a known issue becomes its next version; documents point at their newest
    version and the older one stays readable. Unreadable input raises DomainError and stores
    nothing.
    """
    sha = _text_sha256(data)
    existing = IssueVersion.objects.select_related("issue").filter(sha256=sha).first()
    if existing is not None:
        return IngestResult(
            existing.issue,
            existing,
            created=False,
            documents=existing.documents.count(),
            clauses=Clause.objects.filter(version__issue_version=existing).count(),
            stubs=(),
        )
    result = parse_issue(data)
    raw_text = data if isinstance(data, str) else _decoded(data)
    with transaction.atomic():
        # A concurrent ingest of the same text may have won the race: check again under the lock.
        if IssueVersion.objects.filter(sha256=sha).exists():
            existing = IssueVersion.objects.select_related("issue").get(sha256=sha)
            return IngestResult(
                existing.issue,
                existing,
                created=False,
                documents=existing.documents.count(),
                clauses=0,
                stubs=(),
            )
        issue = _issue_upsert(result)
        last = issue.versions.order_by("-version").values_list("version", flat=True).first() or 0
        meta = issue_json(result.issue)
        version = IssueVersion.objects.create(
            issue=issue,
            version=last + 1,
            sha256=sha,
            source_name=source_name[:255],
            source_text=raw_text,
            toc=meta["toc"],
            colophon=list(result.issue.colophon),
            unparsed=[
                {"line_start": u.line_start, "line_end": u.line_end, "text": u.text}
                for u in result.unparsed
            ],
            ingested_by=actor,
        )
        clause_count = 0
        stubs: list[str] = []
        for order, parsed in enumerate(result.documents):
            clause_count += _document_store(parsed, version=version, order=order, stubs=stubs)
        # A reference to a document printed later in the same issue is no stub once it is stored.
        stubs = sorted(
            Document.objects.filter(key__in=stubs, stub=True).values_list("key", flat=True)
        )
        audit_record(
            actor=actor,
            action=GazetteAction.ISSUE_INGEST,
            obj=version,
            after={
                "issue": issue.key,
                "version": version.version,
                "sha256": sha,
                "source_name": source_name,
                "documents": [d.key for d in result.documents],
                "clauses": clause_count,
                "stubs": stubs,
                "unparsed": len(result.unparsed),
            },
        )
    return IngestResult(
        issue,
        version,
        created=True,
        documents=len(result.documents),
        clauses=clause_count,
        stubs=tuple(stubs),
    )


def _decoded(data: bytes) -> str:
    from chengqu.gazette.text import decode

    return decode(data)


def _issue_upsert(result: ParseResult) -> Issue:
    parsed = result.issue
    fields = {
        "title": parsed.title or "",
        "year": parsed.year,
        "number": parsed.number,
        "cumulative_number": parsed.cumulative_number,
        "published": parsed.published,
        "organiser": parsed.organiser or "",
        "periodicity": parsed.periodicity or "",
    }
    issue, _ = Issue.objects.update_or_create(key=_issue_key(result), defaults=fields)
    return issue


def _document_store(
    parsed: ParsedDocument, *, version: IssueVersion, order: int, stubs: list[str]
) -> int:
    eids = [c.eid for c in parsed.all_clauses()]
    if len(eids) != len(set(eids)):
        duplicate = next(e for e in eids if eids.count(e) > 1)
        raise DomainError(
            "gazette.duplicate_eid", f"{parsed.key} 中条款标识 {duplicate} 重复, 无法建立永久链接"
        )
    document, _ = Document.objects.get_or_create(
        key=parsed.key[:300], defaults={"number": parsed.number}
    )
    document.number = parsed.number
    document.title = (parsed.title or "")[:500]
    document.stub = False
    doc_version = DocumentVersion.objects.create(
        document=document,
        issue_version=version,
        order=order,
        number=parsed.number,
        code=parsed.code or "",
        year=parsed.year or (parsed.signed_date.year if parsed.signed_date else None),
        seq=parsed.seq,
        title=(parsed.title or "")[:500],
        doc_type=parsed.doc_type or "",
        category=parsed.category or "",
        issuer=parsed.issuer or "",
        addressees=list(parsed.addressees),
        signed_date=parsed.signed_date,
        public=parsed.public.value,
        effective_date=parsed.effective_date,
        validity=parsed.validity or "",
        expiry_date=parsed.expiry_date,
        page=parsed.page,
        published_date=parsed.published_date,
        labels=[list(pair) for pair in parsed.labels],
        line_start=parsed.line_start,
        line_end=parsed.line_end,
    )
    document.current = doc_version
    document.save()
    count = _clauses_store(doc_version, None, parsed.clauses, start=0)
    for index, parsed_attachment in enumerate(parsed.attachments):
        attachment = Attachment.objects.create(
            version=doc_version,
            eid=parsed_attachment.eid,
            title=(parsed_attachment.title or "")[:500],
            doc_type=parsed_attachment.doc_type or "",
            order=index,
        )
        count += _clauses_store(doc_version, attachment, parsed_attachment.clauses, start=count)
    for kind, refs in (
        (Relation.Kind.REPEALS, parsed.repeals),
        (Relation.Kind.CITES, parsed.cites),
    ):
        for ref in refs:
            key = _ref_key(ref)[:300]
            target, created = Document.objects.get_or_create(
                key=key,
                defaults={"number": ref.number, "title": (ref.title or "")[:500], "stub": True},
            )
            if created:
                stubs.append(key)
            elif target.stub and not target.title and ref.title:
                target.title = ref.title[:500]
                target.save(update_fields=["title"])
            Relation.objects.create(
                source=doc_version,
                target=target,
                kind=kind,
                title=(ref.title or "")[:500],
                line=ref.line,
            )
    search_index_rebuild(document=document)
    return count


def _clauses_store(
    doc_version: DocumentVersion,
    attachment: Attachment | None,
    roots: tuple[ParsedClause, ...],
    *,
    start: int,
) -> int:
    """Store a clause tree level by level so each level's parents already have keys."""
    level: list[tuple[ParsedClause, Clause | None]] = [(c, None) for c in roots]
    flat = {id(c): i for i, c in enumerate(walk_clauses(roots))}
    depth = 0
    while level:
        rows = [
            Clause(
                version=doc_version,
                attachment=attachment,
                parent=parent,
                eid=parsed.eid,
                kind=parsed.kind,
                num=(parsed.num or "")[:50],
                heading=(parsed.heading or "")[:500],
                text=parsed.text,
                order=start + flat[id(parsed)],
                depth=depth,
            )
            for parsed, parent in level
        ]
        Clause.objects.bulk_create(rows)
        level = [
            (child, row)
            for (parsed, _), row in zip(level, rows, strict=True)
            for child in parsed.children
        ]
        depth += 1
    return len(flat)


def search_index_rebuild(*, document: Document) -> int:
    """Replace the document's search rows with its current version's head and clauses."""
    SearchEntry.objects.filter(document=document).delete()
    version = document.current
    if version is None:
        return 0
    common = {
        "document": document,
        "version": version,
        "category": version.category,
        "year": version.year,
        "issuer": version.issuer,
        "public": version.is_public,
    }
    head_parts = [
        version.number or "",
        version.title,
        *version.attachments.values_list("title", flat=True),
    ]
    head = "\n".join(p for p in head_parts if p)
    rows = [SearchEntry(text=head, bigrams=to_bigrams(head), **common)]
    rows.extend(
        SearchEntry(
            clause=clause,
            text=_clause_text(clause),
            bigrams=to_bigrams(_clause_text(clause)),
            **common,
        )
        for clause in version.clauses.order_by("order")
    )
    rows = [r for r in rows if r.bigrams]
    SearchEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _clause_text(clause: Clause) -> str:
    return "\n".join(p for p in (clause.heading, clause.text) if p)
