"""The public calculators: no login, awards with their clause, what is missing, bad input explained."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_calculator_is_public_and_lists_every_measure(client):
    page = client.get("/incentives/")
    assert page.status_code == 200
    html = page.content.decode()
    for number in (1, 6, 11, 15, 16):
        assert f"第{number}条" in html
    assert "城政办发〔2024〕5号" in html


def test_an_enterprise_sees_its_award_the_clause_and_what_is_missing(client):
    html = client.post(
        "/incentives/",
        {
            "as_of": "2024-07-15",
            "q1_investment": "60000000",
            "other_service_revenue_jan_feb": "6000000",
        },
    ).content.decode()
    total = re.search(r'id="total">([\d.,]+)<', html)
    assert total is not None
    assert float(total.group(1).replace(",", "")) > 0
    assert "第1条" in html
    assert "其他营利性服务业1—2月营业收入增速" in html  # the missing growth rate is asked for
    assert 'class="citation"' in html


def test_bad_input_is_explained_not_a_server_error(client):
    response = client.post("/incentives/", {"as_of": "2024-07-15", "q1_investment": "-100"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_after_the_claim_period_the_calculator_says_so(client):
    html = client.get("/incentives/").content.decode()
    assert "申报期已于" in html  # today is after the assumed claims close


def test_the_farmland_fee_page_quotes_the_fee_and_its_basis(client):
    html = client.get(
        "/incentives/fee/", {"grade": "9", "area_m2": "1000", "on": "2024-05-01"}
    ).content.decode()
    fee = re.search(r'id="fee">([\d.]+)<', html)
    assert fee is not None
    assert fee.group(1) == "330000.00"  # 1000 m² = 1.5 亩 × 22万元
    assert "城政发〔2024〕1号" in html


def test_an_unknown_grade_is_refused_with_a_message(client):
    html = client.get(
        "/incentives/fee/", {"grade": "13", "area_mu": "1", "on": "2024-05-01"}
    ).content.decode()
    assert 'role="alert"' in html
