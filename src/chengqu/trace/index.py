"""The trace: for each clause of each gazette document, what executes it, and the gaps.

A clause is *executed* when a rule table row cites it or one of its parts (a row citing 3.2
executes 3.2; a row citing 3.2(1) executes 3.2(1), and 3.2 is then executed in part). A clause
that is not executed and whose own words carry a number, a deadline or a condition is a *gap*:
the platform may be silent where the document decides something. Other clauses are
descriptive (aims, duties in prose, headings).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from chengqu.gazette import Clause, Document
from chengqu.trace.labels import ClauseIndex
from chengqu.trace.sites import Site, document_key

Status = Literal["executed", "part", "gap", "descriptive"]

# Words that make a clause decide something a machine could hold it to: a quantity with its
# unit, a time limit, a threshold or a condition.
_DECIDES = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|万元|元|亿元|个|小时|日|天|个工作日|年|月|吨|微克|毫克|倍|次|级|人)"
    r"|[一二三四五六七八九十百]+(?:个)?(?:小时|日|天|工作日|个月|年)(?:内|以内|之内)"
    r"|不(?:得)?(?:超过|低于|高于|少于|大于|小于)|以上|以下|以内|达到|满足|符合.{0,8}条件"
)


def needs_execution(clause: Clause) -> bool:
    """Whether the clause's own words carry a number, a deadline or a condition."""
    return bool(_DECIDES.search(clause.text or ""))


@dataclass(slots=True)
class ClauseTrace:
    eid: str
    label: str  # the clause as printed, e.g. 3.2 or 第十条
    heading: str
    status: Status
    executed_by: list[Site] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "eid": self.eid,
            "label": self.label,
            "heading": self.heading,
            "status": self.status,
            "executed_by": [
                {"table": s.table, "path": s.path, "label": s.label, "cited_as": s.clause}
                for s in self.executed_by
            ],
        }


@dataclass(slots=True)
class DocumentTrace:
    number: str
    title: str
    clauses: list[ClauseTrace]
    unresolved: list[tuple[Site, str]]  # a row's reference that names no clause of this document

    def count(self, status: Status) -> int:
        return sum(1 for c in self.clauses if c.status == status)

    @property
    def gaps(self) -> list[ClauseTrace]:
        return [c for c in self.clauses if c.status == "gap"]

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "counts": {s: self.count(s) for s in ("executed", "part", "gap", "descriptive")},
            "clauses": [c.to_json() for c in self.clauses],
            "unresolved": [
                {"table": s.table, "path": s.path, "cited_as": s.clause, "part": part}
                for s, part in self.unresolved
            ],
        }


@dataclass(slots=True)
class Trace:
    documents: list[DocumentTrace]
    external: dict[str, int]  # documents cited that the gazette does not hold (standards) → rows

    def document(self, number: str) -> DocumentTrace | None:
        key = document_key(number)
        return next((d for d in self.documents if d.number == key), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": [d.to_json() for d in self.documents],
            "external": dict(sorted(self.external.items())),
            "gaps": [
                {"number": d.number, "eid": c.eid, "label": c.label, "heading": c.heading}
                for d in self.documents
                for c in d.gaps
            ],
        }


def build_trace(documents: Iterable[Document], sites: Iterable[Site]) -> Trace:
    """Classify every clause of every numbered document by the sites that cite it."""
    indexes = {d.number: ClauseIndex(d) for d in documents if d.number}
    cited: dict[str, dict[str, list[Site]]] = {number: {} for number in indexes}
    unresolved: dict[str, list[tuple[Site, str]]] = {number: [] for number in indexes}
    external: dict[str, int] = {}
    for site in sites:
        number = document_key(site.document)
        index = indexes.get(number)
        if index is None:
            external[number] = external.get(number, 0) + 1
            continue
        found = index.resolve(site.clause)
        for eid in found.eids:
            cited[number].setdefault(eid, []).append(site)
        unresolved[number].extend((site, part) for part in found.unresolved)
    traces = []
    for number, index in indexes.items():
        rows = []
        for clause in index.walk():
            by = cited[number].get(clause.eid, [])
            status: Status
            if by:
                status = "executed"
            elif any(eid.startswith(clause.eid + "__") for eid in cited[number]):
                status = "part"
            elif needs_execution(clause):
                status = "gap"
            else:
                status = "descriptive"
            rows.append(
                ClauseTrace(clause.eid, index.label(clause.eid), clause.heading or "", status, by)
            )
        traces.append(DocumentTrace(number, index.document.title or "", rows, unresolved[number]))
    return Trace(traces, external)
