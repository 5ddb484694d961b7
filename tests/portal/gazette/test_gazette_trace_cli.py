"""`chengqu gazette trace`: every clause of the bundled gazette classified, gaps listed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from chengqu.common import DomainError
from portal.gazette.cli import gazette


def test_trace_classifies_every_clause_of_the_thirteen_documents():
    result = CliRunner().invoke(gazette, ["trace", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["documents"]) == 13
    for doc in data["documents"]:
        assert doc["unresolved"] == []
        assert sum(doc["counts"].values()) == len(doc["clauses"])
    listed = {(g["number"], g["eid"]) for g in data["gaps"]}
    assert listed == {
        (d["number"], c["eid"])
        for d in data["documents"]
        for c in d["clauses"]
        if c["status"] == "gap"
    }


def test_trace_of_one_document_says_what_executes_each_clause():
    result = CliRunner().invoke(gazette, ["trace", "--doc", "城政办发[2024]1号"])
    assert result.exit_code == 0, result.output
    assert "城政办发〔2024〕1号" in result.output
    assert "[已执行] 3.2 预警启动与发布  由 air_plan.toml" in result.output
    assert "城政办发〔2024〕6号" not in result.output


def test_trace_of_an_unknown_document_is_refused():
    result = CliRunner().invoke(gazette, ["trace", "--doc", "城政办发〔2099〕1号"])
    assert isinstance(result.exception, DomainError)  # `chengqu` prints it as 错误: …
    assert result.exception.code == "gazette.trace_unknown"


@pytest.mark.django_db
def test_the_document_page_says_beside_each_clause_what_executes_it(client):
    from portal.gazette.loading import load_gazette

    load_gazette()
    page = client.get("/gazette/doc/城政办发〔2024〕1号/").content.decode()
    executed = page.split('id="sec_3__subsec_2"', 1)[1].split('<li class="clause"', 1)[0]
    assert "由规则执行" in executed
    assert "air_plan" in executed
    assert "说明性条款" in page
    assert page.count('class="trace ') >= 80  # one line for each of the plan's clauses
