"""The gazette as data: parse an issue into documents, clauses with eIds, relations and status.

Public API::

    parse_issue(data: bytes | str) -> ParseResult
    to_json(result: ParseResult) -> dict
    normalise_doc_number(text) -> str | None;  parse_doc_number(text) -> (code, year, seq)
    parse_cn_date(text) -> date | None;  cn_to_int(text) -> int
    read_date(text) -> date | None  (every written form of a signing date; None, never a guess)
    relations(documents) -> Graph;  repeal_dates(documents) -> {key: date}
    status_at(document, on, *, repealed_on=None, repeals=None) -> Status
"""

from chengqu.gazette.model import (
    Attachment,
    Clause,
    DocRef,
    Document,
    Issue,
    ParseResult,
    ParseWarning,
    Public,
    Span,
    Status,
    TocEntry,
    Unparsed,
    walk_clauses,
)
from chengqu.gazette.numbers import (
    cn_to_int,
    normalise_doc_number,
    parse_cn_date,
    parse_doc_number,
    read_date,
)
from chengqu.gazette.parser import doc_type_of, parse_issue
from chengqu.gazette.relations import (
    Edge,
    Graph,
    Node,
    RelationKind,
    relations,
    repeal_dates,
    status_at,
)
from chengqu.gazette.render import to_json

__all__ = [
    "Attachment",
    "Clause",
    "DocRef",
    "Document",
    "Edge",
    "Graph",
    "Issue",
    "Node",
    "ParseResult",
    "ParseWarning",
    "Public",
    "RelationKind",
    "Span",
    "Status",
    "TocEntry",
    "Unparsed",
    "cn_to_int",
    "doc_type_of",
    "normalise_doc_number",
    "parse_cn_date",
    "parse_doc_number",
    "parse_issue",
    "read_date",
    "relations",
    "repeal_dates",
    "status_at",
    "to_json",
    "walk_clauses",
]
