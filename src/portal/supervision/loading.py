"""Bundled data of the supervision module: the task lists of the bundled gazette issue."""

from __future__ import annotations

from collections.abc import Callable


def load_tasks() -> int:
    """Import the tasks of every bundled issue; a second run changes nothing (returns 0)."""
    from chengqu.data import gazette_issue_names, read_gazette_issue
    from chengqu.gazette import parse_issue
    from portal.supervision.services import tasks_import_gazette

    changed = 0
    for name in gazette_issue_names():
        parsed = parse_issue(read_gazette_issue(name))
        if not any(d.number == "城政办发〔2024〕9号" for d in parsed.documents):
            continue
        changed += tasks_import_gazette(parsed=parsed).changed
    return changed


LOADERS: list[tuple[str, str, Callable[[], int]]] = [
    ("supervision", "督查督办任务台账", load_tasks),
]
