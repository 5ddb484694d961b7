"""Text to search tokens: overlapping CJK bigrams and ASCII words, separated by spaces.

Both SQLite's unicode61 tokenizer and PostgreSQL's 'simple' parser split that string back into
exactly these tokens, so a two-character query is one token and a longer one a phrase of its
bigrams. Punctuation (brackets included) separates tokens, which is why 城政办发[2024]6号 and
城政办发〔2024〕6号 give the same tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# CJK unified ideographs (with extension A and compatibility ideographs) and 〇.
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(rf"[{_CJK}]+|[0-9A-Za-z]+")
_CJK_RE = re.compile(rf"[{_CJK}]")


def fold(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _runs(text: str) -> list[str]:
    return _RUN_RE.findall(fold(text))


def _is_cjk(run: str) -> bool:
    return bool(_CJK_RE.match(run))


def _run_tokens(run: str) -> list[str]:
    if not _is_cjk(run) or len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def to_bigrams(text: str) -> str:
    """The index form of ``text``: ``城政办发〔2024〕6号`` → ``城政 政办 办发 2024 6 号``."""
    return " ".join(token for run in _runs(text) for token in _run_tokens(run))


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """How a query is asked of the index.

    ``tokens`` must appear consecutively (a phrase); ``prefix_last`` lets the last token be the
    start of an indexed token (a trailing single character or ASCII fragment); ``verify`` asks
    the caller to check the exact substring afterwards (the leading single character was dropped
    because the index cannot match the end of a bigram). Empty ``tokens`` means no index query.
    """

    tokens: tuple[str, ...]
    prefix_last: bool
    verify: bool


def query_plan(query: str) -> QueryPlan:
    runs = _runs(query)
    if not runs:
        return QueryPlan((), prefix_last=False, verify=False)
    verify = False
    if len(runs) > 1 and _is_cjk(runs[0]) and len(runs[0]) == 1:
        # In the text this character ends a run, so it is indexed as the end of a bigram.
        runs = runs[1:]
        verify = True
    tokens = [token for run in runs for token in _run_tokens(run)]
    last = runs[-1]
    prefix_last = (not _is_cjk(last)) or len(last) == 1
    if len(runs) == 1 and _is_cjk(last) and len(last) == 1:
        return QueryPlan((), prefix_last=False, verify=True)
    return QueryPlan(tuple(tokens), prefix_last=prefix_last, verify=verify)


def fts5_match(plan: QueryPlan) -> str:
    """An FTS5 MATCH expression: one quoted phrase, ``*`` for a prefix on its last token."""
    phrase = '"' + " ".join(plan.tokens) + '"'
    return phrase + ("*" if plan.prefix_last else "")


def pg_tsquery(plan: QueryPlan) -> str:
    """A to_tsquery('simple', …) expression: tokens joined by ``<->``, ``:*`` on the last if prefix."""
    parts = [f"'{token}'" for token in plan.tokens]
    if plan.prefix_last:
        parts[-1] += ":*"
    return " <-> ".join(parts)
