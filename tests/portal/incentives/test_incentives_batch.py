"""免申即享 batch: an upload is evaluated row by row, stored whole, summarised, exported, published."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from chengqu.common import DomainError
from portal.audit.models import AuditEntry
from portal.incentives.models import BatchRun, Claim
from portal.incentives.selectors import claim_list
from portal.incentives.services import (
    batch_claims_create,
    batch_run_create,
    batch_run_publish,
    claim_approve,
    claim_pay,
    claim_review,
)

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 7, 15)

CSV = (
    "统一社会信用代码,企业名称,一季度完成投资额(元),旅游演艺项目1—6月演出场次(场),"
    '"1—6月新增“六统一”门店营业面积(m²,多店用;分隔)",travel_groups\n'
    "E1,甲公司,60000000,,,\n"
    "E2,乙公司,,-5,,\n"
    "E3,丙公司,,100,80;150,\n"
    "E4,丁公司,1000,,,\n"
    'E5,戊公司,,,,"120,2,2,是;900,1,2,是"\n'
).encode()


def run(user, data: bytes = CSV, name: str = "企业名单.csv"):
    return batch_run_create(actor=user, file_name=name, data=data, as_of=AS_OF)


def test_good_rows_are_evaluated_and_a_bad_row_is_reported_by_line_and_field(people):
    batch = run(people.finance)
    assert (batch.row_count, batch.good_count, batch.error_count) == (5, 4, 1)
    [error] = batch.errors
    assert error["line"] == 3
    assert error["id"] == "E2"
    assert error["field"] == "tourism_show_performances_h1"
    assert "第 3 行" in error["message"]
    assert "负数" in error["message"]
    results = {r.enterprise_id: r for r in batch.results.all()}
    assert set(results) == {"E1", "E3", "E4", "E5"}
    assert results["E1"].total == Decimal("120000.00")  # 6000万 × 2‰ (第1条)
    assert results["E1"].enterprise_name == "甲公司"
    # 第14条 30万 plus 第11条: 80m² → 0.5万, 150m² → 1万
    assert results["E3"].total == Decimal("315000.00")
    assert results["E4"].award_count == 0


def test_tour_groups_written_with_semicolons_are_read_as_a_list(people):
    batch = run(people.finance)
    e5 = batch.results.get(enterprise_id="E5")
    assert e5.result["awards"][0]["measure"] == 15


def test_the_summary_gives_count_and_exact_cost_by_measure(people):
    batch = run(people.finance)
    by_measure = {item["measure"]: item for item in batch.summary}
    assert by_measure[1] == {
        "measure": 1,
        "title": by_measure[1]["title"],
        "count": 1,
        "total": "120000.00",
    }
    assert by_measure[14]["count"] == 1
    assert by_measure[14]["total"] == "300000.00"
    assert by_measure[5]["count"] == 0
    assert batch.qualified_count == 3
    assert batch.total == sum(Decimal(item["total"]) for item in batch.summary)


def test_the_run_records_who_when_and_the_file_hash_in_the_audit_log(people):
    batch = run(people.finance)
    assert batch.file_sha256 == hashlib.sha256(CSV).hexdigest()
    assert batch.uploaded_by == people.finance
    entry = AuditEntry.objects.get(action="incentives.batch.run", object_id=str(batch.pk))
    assert entry.after["file_sha256"] == batch.file_sha256
    assert entry.after["error_lines"] == [3]


def test_an_xlsx_with_field_names_as_headers_is_read_exactly(people):
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "name", "q1_investment", "new_chain_store_areas"])
    sheet.append([1001, "甲", 50000000.5, "100;200"])
    sheet.append([1002, "乙", None, 150])  # one store: a numeric cell
    out = io.BytesIO()
    book.save(out)
    batch = run(people.finance, out.getvalue(), "名单.xlsx")
    assert batch.errors == []
    result, single = batch.results.all()
    assert single.total == Decimal("10000.00")  # 150 m²: 1万
    assert result.enterprise_id == "1001"
    # 50,000,000.5 × 2‰ = 100,000.001 → 100,000.00; stores 100m² → 0.5万, 200m² → 3万
    assert result.total == Decimal("100000.00") + Decimal("35000.00")


def test_a_file_that_cannot_be_read_stores_nothing(people):
    with pytest.raises(DomainError) as caught:
        run(people.finance, b"not a spreadsheet", "名单.xlsx")
    assert "名单.xlsx" in caught.value.message
    with pytest.raises(DomainError):
        run(people.finance, b"id,q1_investment\n", "空.csv")
    with pytest.raises(DomainError):
        run(people.finance, b"x", "名单.txt")
    assert BatchRun.objects.count() == 0


def test_a_date_outside_the_claim_period_refuses_the_whole_batch(people):
    with pytest.raises(DomainError) as caught:
        batch_run_create(actor=people.finance, file_name="a.csv", data=CSV, as_of=date(2026, 1, 1))
    assert caught.value.field == "as_of"
    assert BatchRun.objects.count() == 0


@pytest.mark.parametrize("who", ["acme_user", "bank", "auditor", "inspector"])
def test_only_lead_units_run_a_batch(people, who):
    with pytest.raises(DomainError) as caught:
        run(getattr(people, who))
    assert caught.value.code == "incentives.forbidden"


def test_the_export_holds_the_list_the_results_the_summary_and_the_errors(people):
    from portal.incentives.exports import batch_workbook

    batch = run(people.commerce_user)
    book = load_workbook(io.BytesIO(batch_workbook(batch)))
    assert book.sheetnames == ["说明", "免申即享名单", "逐户结果", "分措施汇总", "错误行"]
    listed = [row[0] for row in book["免申即享名单"].iter_rows(min_row=2, values_only=True)]
    assert sorted(set(listed)) == ["E1", "E3", "E5"]
    assert book["错误行"]["A2"].value == 3
    totals = {row[0]: row[3] for row in book["分措施汇总"].iter_rows(min_row=2, values_only=True)}
    assert totals["第1条"] == 120000


def test_publishing_is_for_the_finance_office_once(people):
    batch = run(people.commerce_user)
    with pytest.raises(DomainError):
        batch_run_publish(actor=people.commerce_user, batch=batch)
    batch_run_publish(actor=people.finance, batch=batch)
    batch.refresh_from_db()
    assert batch.published
    assert batch.published_by == people.finance
    with pytest.raises(DomainError) as caught:
        batch_run_publish(actor=people.finance, batch=batch)
    assert caught.value.code == "incentives.batch_published"


def test_a_published_list_becomes_claims_for_registered_enterprises_without_applying(
    people, claim_day
):
    e3 = people.acme  # registered under its code: the id used in the statistics export
    e3.code = "E3"
    e3.save()
    batch = run(people.finance)
    with pytest.raises(DomainError):
        batch_claims_create(actor=people.finance, batch=batch)  # not yet published
    batch_run_publish(actor=people.finance, batch=batch)
    # 区文化和旅游局 (lead unit of 第14条) opens only its own measures' claims
    done = batch_claims_create(actor=people.tourism_user, batch=batch)
    assert [(c.enterprise, c.measure, c.source) for c in done.created] == [(e3, 14, "batch")]
    assert sorted(done.unmatched) == ["E1", "E5"]
    assert any("第11条" in s and "区商务局" in s for s in done.skipped)
    # the same path to payment; the enterprise sees it as its own claim
    claim = done.created[0]
    assert claim.computed_amount == Decimal("300000.00")
    claim = claim_review(actor=people.tourism_user, claim=claim, approve=True)
    claim = claim_approve(actor=people.government_user, claim=claim, approve=True)
    claim_pay(actor=people.finance, claim=claim, reference="MS-1")
    assert list(claim_list(user=people.acme_user)) == [claim]
    # running it again creates nothing new; the finance office adds the other lead units' measures
    assert batch_claims_create(actor=people.tourism_user, batch=batch).created == []
    more = batch_claims_create(actor=people.finance, batch=batch)
    assert [c.measure for c in more.created] == [11]
    assert Claim.objects.filter(enterprise=e3).count() == 2
    assert AuditEntry.objects.filter(action="incentives.claim.from_batch").count() == 2


def test_growth_in_a_percent_formatted_xlsx_cell_counts_as_the_percentage_shown(people):
    """A statistics export may hold 25% as the number 0.25 shown with a % format. The table reader
    returns what the cell shows ("25%"), so the growth is 25 percent, never 0.25 percent."""
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "id",
            "transport_growth_jan_feb",
            "industrial_annual_output",
            "industrial_q1_growth",
            "q1_investment",
        ]
    )
    sheet.append(["E1", 0.25, 200000000, 0.35, 60000000])
    sheet["B2"].number_format = "0%"
    sheet["D2"].number_format = "0.0%"
    data = io.BytesIO()
    book.save(data)
    batch = run(people.finance, data.getvalue(), "增速.xlsx")
    (row,) = batch.results.all()
    assert [a["measure"] for a in row.result["awards"]] == [1, 4, 6]
    assert not [
        n
        for n in row.result["needs"]
        if n["field"] in {"transport_growth_jan_feb", "industrial_q1_growth"}
    ]

    # The same numbers without the % format are ambiguous (0.25 percent, or 25?): the row asks.
    sheet["B2"].number_format = sheet["D2"].number_format = "General"
    data = io.BytesIO()
    book.save(data)
    (row,) = run(people.finance, data.getvalue(), "增速2.xlsx").results.all()
    asked = {n["field"]: n["message"] for n in row.result["needs"]}
    assert set(asked) == {"transport_growth_jan_feb", "industrial_q1_growth"}
    assert "单位不明" in asked["industrial_q1_growth"]
