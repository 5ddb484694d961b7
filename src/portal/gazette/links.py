"""Permalinks to documents and clauses, citations as links, and the "implemented by" registry.

Every module links a :class:`chengqu.common.Citation` through :func:`citation_url` (or the
``{% citation_link c %}`` template tag), and declares which clauses it executes with
:func:`implemented_by_register` from its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from chengqu.common import Citation
from chengqu.gazette import normalise_doc_number
from chengqu.trace import Site


def document_url(key: str) -> str:
    """``/gazette/doc/<文号 percent-encoded>/``: the permalink of a document (a work)."""
    return reverse("gazette:document", kwargs={"key": key})


def clause_url(key: str, eid: str) -> str:
    """``/gazette/doc/<文号>/#<eid>``: the permalink of a clause (its anchor is the eId)."""
    return f"{document_url(key)}#{eid}"


def canonical_key(text: str) -> str:
    """The registry key for a number in any bracket form; other keys are returned unchanged."""
    return normalise_doc_number(text) or text.strip()


def citation_url(citation: Citation) -> str | None:
    """The link for a citation: its clause when the registry has the document and the clause,
    the document when only the document is known, None for a standard or unknown document."""
    return citation_resolve(citation)[0]


def citation_resolve(citation: Citation) -> tuple[str | None, str]:
    """(link or None, label): the label names the clause as printed (城政办发〔2024〕6号 第十条)."""
    from portal.gazette.models import Clause, Document

    document = Document.objects.filter(key=canonical_key(citation.document), stub=False).first()
    if document is None or document.current_id is None:
        return None, citation.label()
    clause = Clause.objects.filter(version_id=document.current_id, eid=citation.clause).first()
    if clause is None:
        # Rules cite an article as it is numbered (art_10); in a document with chapters the
        # registry nests it (chp_2__art_10). Accept the nesting when it is unambiguous.
        nested = list(
            Clause.objects.filter(
                version_id=document.current_id, eid__endswith=f"__{citation.clause}"
            )[:2]
        )
        clause = nested[0] if len(nested) == 1 else None
    if clause is None:
        return document_url(document.key), citation.label()
    printed = clause.num or clause.heading or clause.eid
    return clause_url(document.key, clause.eid), f"{document.key} {printed}"


# ------------------------------------------------------------------ implemented by


@dataclass(frozen=True, slots=True)
class Implementation:
    """A module page that executes a clause: shown on the document page under 实施情况."""

    number: str  # canonical 文号
    eid: str  # the clause's eId; "" for the document as a whole
    label: str  # 应急周转资金 · 申请
    url: str | Callable[[], str]  # a path, or a callable such as lambda: reverse("fund:index")

    def href(self) -> str:
        return self.url() if callable(self.url) else self.url


_IMPLEMENTATIONS: dict[tuple[str, str, str], Implementation] = {}


def implemented_by_register(
    *, number: str, eid: str, label: str, url: str | Callable[[], str]
) -> Implementation:
    """Declare that ``label`` (at ``url``) executes clause ``eid`` of document ``number``.

    Call it from the module's ``AppConfig.ready()``; registering the same triple again replaces it.
    """
    item = Implementation(canonical_key(number), eid, label, url)
    _IMPLEMENTATIONS[(item.number, eid, label)] = item
    return item


def implemented_by_unregister(*, number: str, eid: str, label: str) -> None:
    _IMPLEMENTATIONS.pop((canonical_key(number), eid, label), None)


def implementations_for(number: str | None) -> list[Implementation]:
    """The registered implementations of a document's clauses, in registration order."""
    if not number:
        return []
    return [item for key, item in _IMPLEMENTATIONS.items() if key[0] == number]


def implementation_sites() -> list[Site]:
    """The registered implementations as trace sites: each executes its part and all under it."""
    return [
        Site(item.number, item.eid, "模块", item.label, item.label, scope="part")
        for item in _IMPLEMENTATIONS.values()
        if item.eid
    ]
