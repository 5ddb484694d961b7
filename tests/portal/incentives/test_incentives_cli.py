"""`chengqu incentives evaluate` and `chengqu incentives fee` hold the contracts of issue 7 §5."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from portal.incentives.cli import incentives

pytestmark = pytest.mark.django_db  # the claim period in force is read from the portal's settings

YUAN_FEN = re.compile(r"^-?\d+\.\d{2}$")


def invoke(*args: str):
    return CliRunner().invoke(incentives, list(args))


def test_the_fee_for_grade_9_on_two_and_a_half_mu():
    result = invoke("fee", "--grade", "9", "--area-mu", "2.5", "--date", "2024-05-01", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["rate_per_mu"] == "220000.00"  # grade 9: 22万元/亩 (三)
    assert body["fee"] == "550000.00"
    assert body["citations"]


def test_a_trading_price_below_the_standard_does_not_lower_the_fee():
    body = json.loads(
        invoke(
            "fee",
            "--grade",
            "9",
            "--area-mu",
            "1",
            "--trade-price",
            "200000",
            "--date",
            "2024-05-01",
            "--json",
        ).output
    )
    assert body["rate_per_mu"] == "220000.00"


def test_a_grade_outside_7_to_12_is_refused():
    result = invoke("fee", "--grade", "6", "--area-mu", "1", "--date", "2024-05-01")
    assert result.exit_code != 0
    assert "6" in str(result.exception)


def test_a_json_list_of_enterprises_gets_awards_needs_and_row_errors(tmp_path):
    source = tmp_path / "firms.json"
    source.write_text(
        json.dumps(
            [
                {"id": "甲公司", "q1_investment": 60000000},
                {"id": "乙公司", "q1_investment": -5},
                {"id": "丙公司", "other_service_revenue_jan_feb": 6000000},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = invoke("evaluate", str(source), "--as-of", "2024-07-15", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    by_id = {r["id"]: r for r in body["results"]}
    assert by_id["甲公司"]["awards"][0]["measure"] == 1
    assert Decimal(by_id["甲公司"]["total"]) > 0
    assert any(
        n["field"] == "other_service_growth_jan_feb" for n in by_id["丙公司"]["needs"]
    )  # never a silent zero
    assert [e["id"] for e in body["errors"]] == [
        "乙公司"
    ]  # the bad row is reported, the others evaluated


def test_an_xlsx_with_chinese_headers_is_read_exactly(tmp_path):
    from chengqu.incentives import default_rules

    label = default_rules().facts["q1_investment"].label
    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", label])
    sheet.append(["甲公司", 60000000.1])
    path = tmp_path / "firms.xlsx"
    book.save(path)
    body = json.loads(invoke("evaluate", str(path), "--as-of", "2024-07-15", "--json").output)
    assert body["results"][0]["id"] == "甲公司"
    assert body["results"][0]["awards"][0]["measure"] == 1


def _firms(tmp_path, rows):
    source = tmp_path / "firms.json"
    source.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return source


def test_the_evaluate_json_holds_the_contract_field_for_field(tmp_path):
    source = _firms(
        tmp_path,
        [
            {
                "id": "甲",
                "q1_investment": "61234567.89",
                "transport_growth_jan_feb": "12",
                "promotion_online_sales": "5000000",
            },
        ],
    )
    result = CliRunner().invoke(
        incentives, ["evaluate", str(source), "--as-of", "2024-07-15", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"results", "errors"}
    (item,) = body["results"]
    assert set(item) == {"id", "awards", "total", "needs", "near_misses"}
    assert item["id"] == "甲"
    for award in item["awards"]:
        assert set(award) == {"measure", "tier", "amount", "reason", "citation"}
        assert isinstance(award["measure"], int)
        assert YUAN_FEN.match(award["amount"])
        assert award["reason"]
        assert award["citation"]["document"] == "城政办发〔2024〕5号"
    assert {a["measure"]: a["amount"] for a in item["awards"]} == {1: "122469.14", 4: "30000.00"}
    assert item["total"] == "152469.14"
    assert YUAN_FEN.match(item["total"])
    assert {n["field"] for n in item["needs"]} == {
        "promotion_firms",
        "promotion_views",
        "promotion_costs",
    }
    assert [m["measure"] for m in item["near_misses"]] == [4]  # 差3个百分点 to 15%
    assert item["near_misses"][0]["shortfall"] == "3"


def test_evaluate_without_a_date_after_the_claim_period_uses_the_close_date_and_says_so(
    tmp_path, monkeypatch
):
    monkeypatch.setattr("portal.incentives.views.clock.today", lambda: date(2026, 11, 28))
    source = _firms(tmp_path, [{"id": "甲", "tourism_show_performances_h1": 120}])
    result = CliRunner().invoke(incentives, ["evaluate", str(source), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["total"] == "300000.00"
    assert "2024-12-31" in result.stderr
    assert "--as-of" in result.stderr


def test_evaluate_with_a_date_after_the_close_date_is_refused_naming_it(tmp_path):
    source = _firms(tmp_path, [{"id": "甲", "tourism_show_performances_h1": 120}])
    result = CliRunner().invoke(
        incentives, ["evaluate", str(source), "--as-of", "2026-11-28", "--json"]
    )
    assert result.exit_code != 0
    assert "2024-12-31" in str(result.exception)


def test_a_self_reclaimed_project_pays_no_fee_but_keeps_its_rate_and_clause():
    result = invoke(
        "fee",
        "--grade",
        "7",
        "--area-mu",
        "3",
        "--self-reclaimed",
        "--date",
        "2024-05-01",
        "--json",
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["fee"] == "0.00"
    assert any("不再征收耕地开垦费" in c["text"] for c in body["citations"]), body["citations"]


def test_a_trading_price_above_the_standard_is_the_rate():
    body = json.loads(
        invoke(
            "fee",
            "--grade",
            "12",
            "--area-mu",
            "2",
            "--trade-price",
            "170000.50",
            "--date",
            "2024-05-01",
            "--json",
        ).output
    )
    assert body["rate_per_mu"] == "170000.50"
    assert body["fee"] == "340001.00"


def test_an_area_in_square_metres_converts_exactly():
    body = json.loads(
        invoke("fee", "--grade", "12", "--area-m2", "1", "--date", "2024-05-01", "--json").output
    )
    assert body["fee"] == "240.00"  # 16万元/亩 × 15/10000 亩


@pytest.mark.parametrize("on", ["2024-02-29", "2029-03-01"])
def test_a_fee_date_outside_the_five_years_in_force_is_refused(on):
    result = invoke("fee", "--grade", "9", "--area-mu", "1", "--date", on, "--json")
    assert result.exit_code != 0
    assert on in str(result.exception)
