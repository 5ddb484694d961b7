"""`chengqu incentives batch FILE --user NAME`: the web upload's batch from the command line, stored."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from chengqu.common import DomainError
from portal.incentives.cli import incentives
from portal.incentives.models import BatchRun

pytestmark = pytest.mark.django_db


def test_a_batch_run_from_the_command_line_is_stored_like_an_upload(people, tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("id,q1_investment\nA,60000000\nB,x\n", encoding="utf-8")
    result = CliRunner().invoke(
        incentives, ["batch", str(path), "--user", "jrb-user", "--as-of", "2024-07-15", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["total"] == "120000.00"
    assert body["errors"][0]["line"] == 3
    run = BatchRun.objects.get(pk=body["id"])
    assert run.uploaded_by == people.finance


def test_an_unknown_user_or_a_user_without_the_role_is_refused(people, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,q1_investment\nA,1\n", encoding="utf-8")
    for name in ("nobody", "acme-user"):
        result = CliRunner().invoke(
            incentives, ["batch", str(path), "--user", name, "--as-of", "2024-07-15"]
        )
        assert isinstance(result.exception, DomainError)
    assert BatchRun.objects.count() == 0
