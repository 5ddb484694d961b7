"""The JSON shape of a parse, as ``chengqu gazette parse FILE --json`` prints it."""

from __future__ import annotations

from datetime import date
from typing import Any

from chengqu.gazette.model import Attachment, DocRef, Document, Issue, ParseResult, walk_clauses


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _ref(ref: DocRef) -> dict[str, Any]:
    return {"number": ref.number, "title": ref.title}


def _attachment(attachment: Attachment) -> dict[str, Any]:
    return {
        "eid": attachment.eid,
        "title": attachment.title,
        "doc_type": attachment.doc_type,
        "clauses": sum(1 for _ in walk_clauses(attachment.clauses)),
    }


def issue_json(issue: Issue) -> dict[str, Any]:
    return {
        "title": issue.title,
        "year": issue.year,
        "number": issue.number,
        "cumulative_number": issue.cumulative_number,
        "published": _iso(issue.published),
        "organiser": issue.organiser,
        "periodicity": issue.periodicity,
        "toc": [
            {"section": e.section, "title": e.title, "number": e.number, "page": e.page}
            for e in issue.toc
        ],
    }


def document_json(doc: Document) -> dict[str, Any]:
    return {
        "number": doc.number,
        "title": doc.title,
        "doc_type": doc.doc_type,
        "category": doc.category,
        "issuer": doc.issuer,
        "signed_date": _iso(doc.signed_date),
        "public": str(doc.public),
        "effective_date": _iso(doc.effective_date),
        "expiry_date": _iso(doc.expiry_date),
        "repeals": [_ref(r) for r in doc.repeals],
        "cites": [_ref(r) for r in doc.cites],
        "attachments": [_attachment(a) for a in doc.attachments],
        "clauses": sum(1 for _ in doc.all_clauses()),
    }


def to_json(result: ParseResult) -> dict[str, Any]:
    """``{"issue": {...}, "documents": [...], "unparsed": [...]}``: dates ISO, unknowns null.

    Each document carries number, title, doc_type, category, issuer, signed_date, public,
    effective_date, expiry_date, repeals and cites ([{number, title}]), attachments
    ([{eid, title, doc_type, clauses}]) and clauses (the count of all its clauses);
    ``warnings`` lists what was left None because it could not be read ([{code, message, ref,
    line_start, line_end, text}]), e.g. a 成文日期 that is no real date.
    Source: issue 3 item 6 (``chengqu gazette parse FILE --json``).
    """
    return {
        "issue": issue_json(result.issue),
        "documents": [document_json(d) for d in result.documents],
        "unparsed": [
            {"line_start": u.line_start, "line_end": u.line_end, "text": u.text}
            for u in result.unparsed
        ],
        "warnings": [
            {
                "code": w.code,
                "message": w.message,
                "ref": w.ref,
                "line_start": w.line_start,
                "line_end": w.line_end,
                "text": w.text,
            }
            for w in result.warnings
        ],
    }
