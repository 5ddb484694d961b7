"""The CLI contracts of issue 6 §3, including across National Day and Spring Festival."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner
from fund_helpers import drive  # type: ignore[import-not-found]

from chengqu.common import DomainError
from portal.fund.cli import group


def run(*args: str):
    return CliRunner().invoke(group, list(args))


def test_the_quote_contract():
    result = run(
        "quote",
        "--principal",
        "5000000",
        "--disbursed",
        "2024-05-06",
        "--repaid",
        "2024-05-16",
        "--json",
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["days"] == 10
    assert body["fee"] == "10000.00"
    assert body["over_limit"] is False
    assert body["citations"][0]["clause"] == "art_10"


def test_a_quote_past_twenty_days_is_flagged_and_still_charged():
    body = json.loads(
        run(
            "quote",
            "--principal",
            "1000000",
            "--disbursed",
            "2024-05-06",
            "--repaid",
            "2024-05-27",
            "--json",
        ).output
    )
    assert body["over_limit"] is True
    assert body["fee"] == "4200.00"


def test_the_sign_deadline_across_national_day():
    body = json.loads(run("sign-deadline", "--maturity", "2024-10-14", "--json").output)
    assert body["latest_sign_date"] == "2024-09-25"
    assert body["citations"]


def test_the_sign_deadline_across_spring_festival():
    # 2025 Spring Festival: 1-28 … 2-4 off, 1-26 and 2-8 worked
    body = json.loads(run("sign-deadline", "--maturity", "2025-02-10", "--json").output)
    assert (
        body["latest_sign_date"] == "2025-01-21"
    )  # 2-8, 2-7…2-5, 1-27, 1-26 (worked Sunday), 1-24…1-21


def test_check_sign_says_ok_and_counts_working_days():
    result = run("check-sign", "--maturity", "2024-10-14", "--signed", "2024-09-25", "--json")
    body = json.loads(result.output)
    assert result.exit_code == 0
    assert body["ok"] is True
    assert body["latest_sign_date"] == "2024-09-25"
    assert body["working_days_before"] == 10
    late = run("check-sign", "--maturity", "2024-10-14", "--signed", "2024-09-26", "--json")
    assert late.exit_code == 1
    assert json.loads(late.output)["ok"] is False


def test_a_date_out_of_force_is_a_domain_error():
    result = run(
        "quote", "--principal", "100", "--disbursed", "2029-04-05", "--repaid", "2029-04-06"
    )
    assert isinstance(result.exception, DomainError)
    assert result.exception.code == "fund.expired"


def test_reconcile_and_report_from_the_ledger(funded):
    drive(funded, "repaid")
    result = run("reconcile", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ok"] is True
    body = json.loads(
        run("report", "--period", "month", "--year", "2024", "--number", "10", "--json").output
    )
    assert body["total"]["loans"] == 1
    assert body["fee_income"] == "10000.00"
    assert body["reserve_added"] == "1000.00"
    assert date.fromisoformat(body["end"]) == date(2024, 10, 31)
