"""The command system in a real browser: the organisation chart with its 17 specialised HQs,
a routing query, and an incident registered through the form with its clocks and timeline.

Fixtures (server, browser, page) are in conftest.py.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.e2e


def test_the_chart_shows_17_specialised_hqs_and_leads_to_their_people(admin_page):
    page = admin_page
    page.goto("/command/")
    assert page.locator("h1").inner_text() == "应急救援指挥体系"
    assert page.locator("#specials > li").count() == 17
    assert page.locator("#special-count").inner_text() == "17"
    assert "区应急救援总指挥部" in page.locator(".org").inner_text()
    page.click("#specials >> text=森林防灭火指挥部")
    page.wait_for_url("**/command/hq/forest_fire/")
    people = page.locator("table.people").inner_text()
    assert "指挥长" in people
    assert "区应急管理局局长" in people
    # Clauses link to their place in the gazette registry (二(二)1 → its eId anchor).
    hrefs = [
        page.locator("a.citation").nth(i).get_attribute("href") or ""
        for i in range(page.locator("a.citation").count())
    ]
    assert any(h.endswith("#para_2__subpara_2__item_1") for h in hrefs), hrefs[:5]


def test_a_route_query_names_the_hq_and_who_must_be_told(admin_page):
    page = admin_page
    page.goto("/command/route/")
    page.fill("#route-form input[name=q]", "北山发生森林火灾")
    page.click("#route-form button[type=submit]")
    page.wait_for_url("**/command/route/?q=**")
    result = page.locator("#route-result")
    assert result.locator(".route-hq").first.inner_text() == "森林防灭火指挥部"
    assert "须通报" in result.inner_text()


def test_an_incident_registered_in_the_form_shows_its_clocks_and_timeline(admin_page):
    page = admin_page
    page.goto("/command/incidents/new/")
    occurred = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=45)
    page.fill("input[name=incident_type]", "饮用水水源地突发环境事件")
    page.fill("input[name=occurred_at]", occurred.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "郭壁水源地")
    page.click("main form.report button[type=submit]")
    page.wait_for_url(re.compile(r".*/command/incidents/\d+/$"))  # not /new/
    clocks = page.locator("#clocks")
    assert "初报(电话)" in clocks.inner_text()
    assert page.locator("#clocks tr.overdue").count() >= 1  # 30 minutes passed 15 minutes ago
    assert "登记事件" in page.locator("#timeline").inner_text()
