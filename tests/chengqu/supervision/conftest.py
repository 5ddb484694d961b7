"""The bundled issue parsed once for the supervision tests."""

from __future__ import annotations

import pytest

from chengqu.data import read_gazette_issue
from chengqu.gazette import ParseResult, parse_issue


@pytest.fixture(scope="session")
def issue_text() -> str:
    return read_gazette_issue("gazette-2024-1.txt")


@pytest.fixture(scope="session")
def parsed(issue_text: str) -> ParseResult:
    return parse_issue(issue_text)
