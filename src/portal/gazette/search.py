"""Chinese full-text search over titles, 文号 and clause text, on SQLite FTS5 or PostgreSQL.

Both backends index the same bigram string (see :mod:`portal.gazette.bigrams`): SQLite in the
FTS5 table ``gazette_fts`` ranked by bm25, PostgreSQL in a 'simple' tsvector with a GIN index
ranked by ts_rank. A query of two or more characters is a phrase of its bigrams, so it matches
exactly the substring; a single character falls back to LIKE. A 文号 in any bracket form is
normalised first and its document's own entry comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from chengqu.gazette import Status, normalise_doc_number
from portal.gazette.bigrams import QueryPlan, fold, fts5_match, pg_tsquery, query_plan
from portal.gazette.links import clause_url, document_url
from portal.gazette.models import SearchEntry
from portal.gazette.selectors import statuses

SNIPPET_BEFORE = 24
SNIPPET_LENGTH = 90
RANK_WINDOW = 2000  # matches ranked per query, newest first (see _sqlite and _postgres)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    category: str | None = None
    year: int | None = None
    issuer: str | None = None
    status: Status | None = None
    public_only: bool = False  # anonymous readers see 主动公开 documents only


@dataclass(frozen=True, slots=True)
class Hit:
    """A document head or a clause that matched, with its permalink and a highlighted snippet."""

    document_key: str
    number: str | None
    title: str
    category: str
    issuer: str
    year: int | None
    clause_eid: str | None
    clause_label: str
    snippet_html: SafeString  # escaped text, the match wrapped in <mark>
    url: str
    status: Status
    score: float


def gazette_search(
    *, query: str, filters: SearchFilters | None = None, limit: int = 50, on: date | None = None
) -> list[Hit]:
    """Search titles, 文号 and clause text; best first, at most ``limit`` hits."""
    filters = filters or SearchFilters()
    text = " ".join(query.split())
    if not text:
        return []
    number = normalise_doc_number(text)
    needle = number or text
    plan = query_plan(needle)
    post_filter = filters.status is not None or plan.verify
    fetch = limit * 5 if post_filter else limit
    if len(fold(needle).replace(" ", "")) < 2 or not plan.tokens:
        ranked = _like(needle, filters, fetch)
    elif connection.vendor == "sqlite":
        ranked = _sqlite(plan, filters, fetch)
    elif connection.vendor == "postgresql":
        ranked = _postgres(plan, filters, fetch)
    else:
        ranked = _like(needle, filters, fetch)
    if number:
        ranked = _number_first(number, filters) + [r for r in ranked if r[0] not in _ids(number)]
    return _hits(ranked, needle, filters, limit, on, verify=plan.verify)


def _ids(number: str) -> set[int]:
    return set(
        SearchEntry.objects.filter(document__key=number, clause=None).values_list("id", flat=True)
    )


def _number_first(number: str, filters: SearchFilters) -> list[tuple[int, float]]:
    rows = _filtered(SearchEntry.objects.filter(document__key=number, clause=None), filters)
    return [(pk, 0.0) for pk in rows.values_list("id", flat=True)]


def _filtered(rows, filters: SearchFilters):  # type: ignore[no-untyped-def]
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.issuer:
        rows = rows.filter(issuer__contains=filters.issuer)
    if filters.public_only:
        rows = rows.filter(public=True)
    return rows


def _where(filters: SearchFilters) -> tuple[str, list[Any]]:
    """Extra conditions: fixed SQL fragments only, every value a bound parameter."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.category:
        clauses.append("e.category = %s")
        params.append(filters.category)
    if filters.year:
        clauses.append("e.year = %s")
        params.append(filters.year)
    if filters.issuer:
        clauses.append("e.issuer LIKE %s")
        params.append(f"%{filters.issuer}%")
    if filters.public_only:
        clauses.append("e.public = %s")
        params.append(True)
    return "".join(f" AND {c}" for c in clauses), params


def _sqlite(plan: QueryPlan, filters: SearchFilters, fetch: int) -> list[tuple[int, float]]:
    """bm25 over at most RANK_WINDOW matches, the newest rows first.

    FTS5 walks a phrase's matches in rowid order and can stop at a LIMIT, but ranking every
    match of a common bigram (预案 in 100,000 documents) costs hundreds of milliseconds; ranking
    the newest RANK_WINDOW matches keeps a query fast and favours the newer issues.
    """
    where, params = _where(filters)
    sql = (
        "SELECT id, score FROM ("  # noqa: S608 - values are bound, see _where
        "SELECT e.id AS id, bm25(gazette_fts) AS score FROM gazette_fts "
        "JOIN gazette_searchentry e ON e.id = gazette_fts.rowid "
        f"WHERE gazette_fts MATCH %s{where} ORDER BY gazette_fts.rowid DESC LIMIT %s"
        ") ORDER BY score LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [fts5_match(plan), *params, max(RANK_WINDOW, fetch), fetch])
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


def _postgres(plan: QueryPlan, filters: SearchFilters, fetch: int) -> list[tuple[int, float]]:
    """ts_rank over at most RANK_WINDOW matches, the newest rows first (as on SQLite)."""
    where, params = _where(filters)
    sql = (
        "SELECT id, score FROM ("  # noqa: S608 - values are bound, see _where
        "SELECT e.id AS id, ts_rank(e.tsv, q) AS score FROM gazette_searchentry e, to_tsquery('simple', %s) q "
        f"WHERE e.tsv @@ q{where} ORDER BY e.id DESC LIMIT %s"
        ") ranked ORDER BY score DESC, id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pg_tsquery(plan), *params, max(RANK_WINDOW, fetch), fetch])
        return [(int(pk), -float(score)) for pk, score in cursor.fetchall()]


def _like(needle: str, filters: SearchFilters, fetch: int) -> list[tuple[int, float]]:
    rows = _filtered(SearchEntry.objects.filter(text__contains=needle), filters).order_by(
        "document_id", "id"
    )
    return [(pk, 0.0) for pk in rows.values_list("id", flat=True)[:fetch]]


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the offset of its source character."""
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = fold(char)
        out.append(folded)
        offsets.extend([index] * len(folded))
    return "".join(out), offsets


def highlight(text: str, needle: str) -> SafeString | None:
    """An escaped snippet of ``text`` around the first occurrence of ``needle`` in <mark>;
    None when ``needle`` does not occur (ignoring width and case)."""
    folded, offsets = _folded_with_offsets(text)
    target = fold(needle)
    at = folded.find(target)
    if at < 0 or not target:
        return None
    start, end = offsets[at], offsets[at + len(target) - 1] + 1
    left = max(0, start - SNIPPET_BEFORE)
    right = min(len(text), max(end, left + SNIPPET_LENGTH))
    parts = [
        "…" if left > 0 else "",
        escape(text[left:start]),
        "<mark>",
        escape(text[start:end]),
        "</mark>",
        escape(text[end:right]),
        "…" if right < len(text) else "",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def _hits(
    ranked: list[tuple[int, float]],
    needle: str,
    filters: SearchFilters,
    limit: int,
    on: date | None,
    *,
    verify: bool,
) -> list[Hit]:
    order = {pk: i for i, (pk, _) in enumerate(ranked)}
    scores = dict(ranked)
    entries = sorted(
        SearchEntry.objects.filter(id__in=list(order)).select_related(
            "document", "version", "clause"
        ),
        key=lambda e: order[e.pk],
    )
    found = statuses({e.version_id: e.version for e in entries}.values(), on)
    hits: list[Hit] = []
    for entry in entries:
        status = found[entry.document_id]
        if filters.status is not None and status != filters.status:
            continue
        snippet = highlight(entry.text, needle)
        if snippet is None:
            if verify:
                continue
            snippet = mark_safe(escape(entry.text[:SNIPPET_LENGTH]))  # noqa: S308 - escaped
        clause = entry.clause
        key = entry.document.key
        hits.append(
            Hit(
                document_key=key,
                number=entry.version.number,
                title=entry.version.title,
                category=entry.category,
                issuer=entry.issuer,
                year=entry.year,
                clause_eid=clause.eid if clause else None,
                clause_label=" ".join(p for p in (clause.num, clause.heading) if p)
                if clause
                else "标题与文号",
                snippet_html=snippet,
                url=clause_url(key, clause.eid) if clause else document_url(key),
                status=status,
                score=scores[entry.pk],
            )
        )
        if len(hits) >= limit:
            break
    return hits
