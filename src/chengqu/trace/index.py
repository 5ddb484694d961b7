"""The trace: for each clause of each gazette document, what executes it, and the gaps.

A clause is *executed* when a rule table row cites it, or a module registers a page or workflow
for it or for a part it belongs to (the task ledger executes the whole of 9号's attachment). A
row citing 3.2(1) executes 3.2(1); 3.2 is then executed in part. A clause
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
# unit, a time limit, a threshold or a condition. A date or a count in a narrative ("2024年1月19日",
# "13名") is not one; neither is 以上/以下 without a quantity ("规模以上企业", "做好以下工作").
_NUMBER = r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千两]+)"
_DECIDES = re.compile(
    rf"{_NUMBER}\s*(?:%|％|万元|元|亿元|吨|微克|毫克|倍)"
    rf"|{_NUMBER}\s*(?:个)?(?:小时|日|天|工作日|个月|年)(?:内|以内|之内|前|后|起)"
    rf"|{_NUMBER}\s*(?:个|人|户|家|次|级|万元|元|吨|%|小时|天|日|个月|年)?\s*"
    r"(?:以上|以下|以内|及以上|及以下)"
    rf"|(?:持续|连续)\s*{_NUMBER}\s*(?:个)?(?:小时|天|日|个月)"
    r"|[>＞≥<＜≤]\s*\d"
    r"|(?:大于|小于|不(?:得)?(?:超过|低于|高于|少于))\s*(?:或等于)?\s*\d"
    r"|\d+\s*[—～~]\s*\d+"
    r"|自.{0,6}之日起(?:施行|实施)|同时废止"
)
# What the registry itself executes: the day a document takes effect and the documents it repeals
# (chengqu.gazette reads them into effective_date and repeals; status_at decides from them).
_TAKES_EFFECT = re.compile(r"自.{0,10}(?:之日|起)(?:起)?(?:施行|实施|执行)|有效期")
_REPEALS = re.compile(r"废止")


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
                {
                    "table": s.table,
                    "path": s.path,
                    "label": s.label,
                    "cited_as": s.clause,
                    "scope": s.scope,
                }
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


def _registry_site(document: Document, clause: Clause) -> Site | None:
    """The gazette registry as the executor of a clause that fixes when the document takes
    effect or what it repeals — when the parser read that date or that repeal."""
    text = clause.text or ""
    takes_effect = bool(_TAKES_EFFECT.search(text)) and (
        document.effective_date is not None or document.expiry_date is not None
    )
    repeals = bool(_REPEALS.search(text)) and bool(document.repeals)
    if not (takes_effect or repeals):
        return None
    what = "、".join(w for w, on in (("施行日期", takes_effect), ("废止关系", repeals)) if on)
    return Site(document.number or "", clause.eid, "公报库", what, f"公报库{what}", scope="part")


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
        if site.scope == "part":
            covered = index.part(site.clause)
            for eid in covered:
                cited[number].setdefault(eid, []).append(site)
            if not covered:
                unresolved[number].append((site, site.clause))
            continue
        found = index.resolve(site.clause)
        for eid in found.eids:
            cited[number].setdefault(eid, []).append(site)
        unresolved[number].extend((site, part) for part in found.unresolved)
    traces = []
    for number, index in indexes.items():
        for clause in index.walk():
            registry = _registry_site(index.document, clause)
            if registry is not None:
                cited[number].setdefault(clause.eid, []).append(registry)
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
