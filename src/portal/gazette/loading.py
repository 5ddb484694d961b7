"""What ``chengqu setup`` loads for the gazette: the bundled issues (first of the modules, since
the others cite its clauses)."""

from __future__ import annotations

from collections.abc import Callable

from chengqu.data import gazette_issue_names, read_gazette_issue
from portal.gazette.services import issue_ingest


def load_gazette() -> int:
    """Ingest every bundled gazette issue; an issue already stored with the same text is skipped."""
    changed = 0
    for name in gazette_issue_names():
        changed += issue_ingest(data=read_gazette_issue(name), source_name=name).created
    return changed


LOADERS: list[tuple[str, str, Callable[[], int]]] = [
    ("gazette", "政府公报", load_gazette),
]
