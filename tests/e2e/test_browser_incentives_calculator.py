"""The public 开门红 calculator in a real browser: fill a measure's facts, submit, read the award,
follow its clause link into the gazette, and see the total. No login (fixtures in conftest.py)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.e2e


def test_an_enterprise_fills_two_measures_and_sees_each_award_its_clause_and_the_total(page):
    page.goto("/incentives/")
    page.fill("input[name=as_of]", "2024-07-15")
    page.fill("#f-q1_investment", "60000000")  # 第1条: 6000万 × 2‰ = 12万
    page.fill("#f-tourism_show_performances_h1", "100")  # 第14条: 满100场, 30万
    page.click("form.calculator button[type=submit]")
    result = page.locator("#result")
    result.wait_for()
    rows = result.locator("tbody tr")
    assert rows.count() == 2
    first = rows.nth(0)
    assert first.locator("td").nth(0).inner_text() == "第1条"
    assert first.locator("td").nth(2).inner_text().strip() == "120000.00"
    link = first.locator("a.citation")
    assert "城政办发〔2024〕5号" in link.inner_text()
    assert unquote(link.get_attribute("href") or "").endswith("#item_1")
    assert page.locator("#total").inner_text() == "420000.00"
    # The clause link leads to that clause in the gazette registry.
    link.click()
    page.wait_for_url(re.compile(r".*/gazette/doc/.*"))
    assert page.locator("[id='item_1']").count() == 1


def test_a_missing_fact_is_asked_for_and_a_bad_one_is_explained(page):
    page.goto("/incentives/")
    page.fill("input[name=as_of]", "2024-07-15")
    page.fill("#f-other_service_revenue_jan_feb", "6000000")
    page.click("form.calculator button[type=submit]")
    assert "其他营利性服务业1—2月营业收入增速" in page.locator("ul.needs").inner_text()
    page.fill("#f-q1_investment", "-1")
    page.click("form.calculator button[type=submit]")
    assert "不能为负数" in page.locator("[role=alert]").inner_text()
