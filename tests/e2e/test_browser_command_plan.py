"""The water plan's working-group tasks in a real browser: a water-source incident is graded red /
level Ⅰ, its tasks appear under the nine working groups, and one is marked done with who and when.

Fixtures (server, browser, page) are in conftest.py.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_red_level_one_water_incident_gets_its_tasks_and_one_is_ticked(admin_page):
    page = admin_page
    page.goto("/command/incidents/new/")
    occurred = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=20)
    page.fill("input[name=incident_type]", "饮用水水源地突发环境事件")
    page.fill("input[name=occurred_at]", occurred.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "郭壁水源地")
    page.click("main form.report button[type=submit]")
    page.wait_for_url(re.compile(r".*/command/incidents/\d+/$"))
    assert "发布预警或启动响应后" in page.locator("#tasks").inner_text()

    level = page.locator("form[action$='/level/']")
    level.locator("select[name=entered_zone]").select_option("yes")
    level.locator("select[name=impact]").select_option("large")
    level.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/command/incidents/\d+/(#.*)?$"))
    tasks = page.locator("#tasks")
    expect(tasks.locator("h3").first).to_be_visible()
    groups = tasks.locator("h3").all_inner_texts()
    assert "供水保障组" in groups
    assert "治安警戒组" in groups
    assert (
        tasks.locator("tr[data-task]").count() == 21
    )  # 3.5 red (5) + Ⅰ: 5.1.1 (5), 5.1.2 (4), 5.2.3 (7)

    row = tasks.locator("tr[data-task='w5.2.3.4']")
    assert "拉水车" in row.inner_text()
    row.locator("button", has_text="标记完成").click()
    page.wait_for_url(re.compile(r".*#tasks$"))
    row = page.locator("#tasks tr[data-task='w5.2.3.4']")
    expect(row).to_contain_text(
        re.compile(r"已完成 · \S+ · \d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    )  # who and when
    expect(row.locator("button")).to_have_text("撤销")
    assert "完成: 供水保障组" in page.locator("#timeline").inner_text()
