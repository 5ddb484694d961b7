"""Clause traceability: from each clause of the gazette to what executes it.

The index is built from the citations the code already carries — the ``clause`` of every rule
table row — never from a hand-kept list. Public API::

    rule_sites() -> list[Site]                      # every citing row of every rule table
    ClauseIndex(document).resolve(ref) -> Resolved  # "3.2", "二(一)2", "art_10" → eIds
    build_trace(documents, sites) -> Trace          # clause → executed by …, and the gaps
"""

from chengqu.trace.index import ClauseTrace, DocumentTrace, Trace, build_trace, needs_execution
from chengqu.trace.labels import ClauseIndex, Resolved
from chengqu.trace.sites import Site, rule_sites, sites_of_table

__all__ = [
    "ClauseIndex",
    "ClauseTrace",
    "DocumentTrace",
    "Resolved",
    "Site",
    "Trace",
    "build_trace",
    "needs_execution",
    "rule_sites",
    "sites_of_table",
]
