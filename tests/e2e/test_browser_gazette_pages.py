"""The gazette in a real browser: search for 预案 and follow a hit to its clause anchor.

Against ``CHENGQU_E2E_BASE_URL`` when given (CI serves ``make run``, which has loaded the bundled
issue), otherwise against ``chengqu serve`` started here on a fresh, set-up data directory.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_searching_for_a_plan_leads_to_the_highlighted_clause(page):
    page.goto("/gazette/")
    page.fill("input[name=q]", "预案")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**/gazette/search/**")
    hits = page.locator("ol.hits li a.hit")
    assert hits.count() >= 5
    assert page.locator("ol.hits mark").first.inner_text() == "预案"
    # Follow the first hit that points at a clause.
    target = next(
        hits.nth(i).get_attribute("href") or ""
        for i in range(hits.count())
        if "#" in (hits.nth(i).get_attribute("href") or "")
    )
    page.goto(target)
    eid = target.split("#", 1)[1]
    clause = page.locator(f"li.clause[id='{eid}']")
    assert clause.count() == 1
    assert "预案" in clause.inner_text()
    assert unquote(page.url).endswith(f"#{eid}")
    # The :target style marks the clause the link pointed at.
    assert clause.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"


def test_the_contents_page_lists_the_issue_and_opens_a_public_document(page):
    page.goto("/gazette/")
    assert "总第5期" in page.locator("h2").first.inner_text()
    page.click("text=晋城市城区人民政府办公室关于印发晋城市城区市场主体应急周转资金管理办法的通知")
    expect(page.locator("h1")).to_contain_text(
        "晋城市城区人民政府办公室关于印发"
    )  # waits for the page
    assert page.locator("li.clause[id='chp_2__art_10']").count() == 1
