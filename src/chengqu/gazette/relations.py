"""Relations between documents (repeals, cites, attachments) and status on a given day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chengqu.gazette.model import Document, Status


class RelationKind(StrEnum):
    REPEALS = "repeals"
    CITES = "cites"
    ATTACHMENT_OF = "attachment_of"


@dataclass(frozen=True, slots=True)
class Node:
    """A document in the graph; ``stub`` when it is only known by reference (国发〔2023〕18号)."""

    key: str
    number: str | None
    title: str | None
    stub: bool
    kind: str = "document"  # or "attachment"


@dataclass(frozen=True, slots=True)
class Edge:
    """``source`` repeals / cites ``target``, or ``source`` is an attachment of ``target``."""

    kind: RelationKind
    source: str
    target: str
    line: int


@dataclass(frozen=True, slots=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, key: str) -> Node | None:
        return next((n for n in self.nodes if n.key == key), None)

    def incoming(self, key: str, kind: RelationKind) -> tuple[Edge, ...]:
        """Edges of ``kind`` that point at ``key`` (its repealers, its citers)."""
        return tuple(e for e in self.edges if e.target == key and e.kind == kind)


def _ref_key(number: str | None, title: str | None) -> str:
    return number or f"无文号:{title}"


def relations(documents: Iterable[Document]) -> Graph:
    """The graph of the documents' repeals, citations and attachments.

    Documents referred to but not among ``documents`` are kept as stub nodes with the title the
    reference gives; a document's own attachments are nodes ``<key>!att_<n>``.
    Source: issue 3 item 2 (relations; documents outside the registry kept as stubs).
    """
    docs = list(documents)
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for doc in docs:
        nodes[doc.key] = Node(doc.key, doc.number, doc.title, stub=False)
    for doc in docs:
        for attachment in doc.attachments:
            key = f"{doc.key}!{attachment.eid}"
            nodes[key] = Node(key, None, attachment.title, stub=False, kind="attachment")
            edges.append(Edge(RelationKind.ATTACHMENT_OF, key, doc.key, attachment.line_start))
        for kind, refs in ((RelationKind.REPEALS, doc.repeals), (RelationKind.CITES, doc.cites)):
            for ref in refs:
                key = _ref_key(ref.number, ref.title)
                if key not in nodes or (nodes[key].stub and nodes[key].title is None and ref.title):
                    nodes[key] = Node(key, ref.number, ref.title, stub=True)
                edges.append(Edge(kind, doc.key, key, ref.line))
    return Graph(tuple(nodes.values()), tuple(edges))


def repeal_dates(documents: Iterable[Document]) -> dict[str, date]:
    """When each repealed document stopped being in force: the day its repealer took effect.

    A repealer without an effective date is taken to act from its 成文日期; the earliest repealer wins.
    Source: issue 3 item 2 (已废止 from repeal edges).
    """
    out: dict[str, date] = {}
    for doc in documents:
        when = doc.effective_date or doc.signed_date
        if when is None:
            continue
        for ref in doc.repeals:
            key = _ref_key(ref.number, ref.title)
            if key not in out or when < out[key]:
                out[key] = when
    return out


def status_at(
    document: Document,
    on: date,
    *,
    repealed_on: date | None = None,
    repeals: dict[str, date] | None = None,
) -> Status:
    """时效性 of ``document`` on day ``on``: 尚未生效, 有效, 已废止 or 失效 (validity ran out).

    In force from ``effective_date`` (or, when the text gives none, its 成文日期) through
    ``expiry_date`` inclusive; repealed from ``repealed_on`` (or the date ``repeals`` gives for
    its key, see :func:`repeal_dates`) inclusive. Whichever of repeal and expiry came first wins.
    Source: flk.npc.gov.cn 时效性 (尚未生效/有效/已废止) plus 失效 for local 规范性文件 (research note §1).
    """
    if repealed_on is None and repeals is not None:
        repealed_on = repeals.get(document.key)
    start = document.effective_date or document.signed_date
    if start is not None and on < start:
        return Status.NOT_YET
    expired_after = document.expiry_date
    if (
        repealed_on is not None
        and on >= repealed_on
        and (expired_after is None or repealed_on <= expired_after)
    ):
        return Status.REPEALED
    if expired_after is not None and on > expired_after:
        return Status.EXPIRED
    return Status.IN_FORCE
