"""Fixtures for the gazette registry: the bundled issue ingested, and variants of its text."""

from __future__ import annotations

import pytest

from chengqu.data import read_gazette_issue
from portal.gazette.services import IngestResult, issue_ingest


@pytest.fixture
def issue_text() -> str:
    return read_gazette_issue("gazette-2024-1.txt")


@pytest.fixture
def ingested(db, issue_text: str) -> IngestResult:
    return issue_ingest(data=issue_text, source_name="gazette-2024-1.txt")
