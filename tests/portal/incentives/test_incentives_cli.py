"""`chengqu incentives evaluate` and `chengqu incentives fee` hold the contracts of issue 7 §5."""

import json
from decimal import Decimal

from click.testing import CliRunner
from openpyxl import Workbook

from portal.incentives.cli import incentives


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
    body = json.loads(invoke("fee", "--grade", "9", "--area-mu", "1", "--trade-price", "200000", "--date", "2024-05-01", "--json").output)
    assert body["rate_per_mu"] == "220000.00"


def test_a_grade_outside_7_to_12_is_refused():
    result = invoke("fee", "--grade", "6", "--area-mu", "1", "--date", "2024-05-01")
    assert result.exit_code != 0
    assert "6" in str(result.exception)


def test_a_json_list_of_enterprises_gets_awards_needs_and_row_errors(tmp_path):
    source = tmp_path / "firms.json"
    source.write_text(
        json.dumps([
            {"id": "甲公司", "q1_investment": 60000000},
            {"id": "乙公司", "q1_investment": -5},
            {"id": "丙公司", "other_service_revenue_jan_feb": 6000000},
        ], ensure_ascii=False),
        encoding="utf-8",
    )
    result = invoke("evaluate", str(source), "--as-of", "2024-07-15", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    by_id = {r["id"]: r for r in body["results"]}
    assert by_id["甲公司"]["awards"][0]["measure"] == 1
    assert Decimal(by_id["甲公司"]["total"]) > 0
    assert any(n["field"] == "other_service_growth_jan_feb" for n in by_id["丙公司"]["needs"])  # never a silent zero
    assert [e["id"] for e in body["errors"]] == ["乙公司"]  # the bad row is reported, the others evaluated


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
