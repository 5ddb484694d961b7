"""Bundled data: the gazette issues as published, read through importlib.resources."""

from __future__ import annotations

from importlib import resources


def gazette_issue_names() -> list[str]:
    """File names of the bundled gazette issues (``gazette-2024-1.txt``), oldest first."""
    names = [f.name for f in resources.files(__name__).iterdir() if f.name.startswith("gazette-")]
    return sorted(names)


def read_gazette_issue(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
