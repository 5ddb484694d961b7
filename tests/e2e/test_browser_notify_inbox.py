"""The inbox in a real browser: the duty officer subscribes to forest fires, registers one, sees it
in the inbox with the header badge counting it, marks it read and the badge drops.

Fixtures (server, browser, page) are in conftest.py.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _badge(page: Page) -> int:
    badge = page.locator("#notify-badge")
    return int(badge.inner_text()) if badge.count() else 0


def test_a_registered_incident_reaches_the_subscriber_and_reading_it_lowers_the_badge(admin_page):
    page = admin_page

    # Subscribe to the forest-fire HQ's incidents.
    page.click("#notify-link")
    page.wait_for_url("**/notify/")
    page.click("text=订阅事件类型")
    page.wait_for_url("**/notify/subscriptions/")
    page.check("#subscriptions input[value=forest_fire]")
    page.click("#subscriptions button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("订阅已保存")
    expect(page.locator("#subscriptions input[value=forest_fire]")).to_be_checked()
    before = _badge(page)

    # Register a forest fire through the command module's form.
    place = f"北山{secrets.token_hex(3)}号林区"
    page.goto("/command/incidents/new/")
    occurred = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=10)
    page.fill("input[name=incident_type]", "森林火灾")
    page.fill("input[name=occurred_at]", occurred.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", place)
    page.click("main form.report button[type=submit]")
    page.wait_for_url(re.compile(r".*/command/incidents/\d+/$"))
    assert _badge(page) == before + 1

    # The inbox shows it unread, first.
    page.click("#notify-link")
    page.wait_for_url("**/notify/")
    item = page.locator("#inbox li.notice-item", has_text=place)
    expect(item).to_have_count(1)
    expect(item).to_have_class(re.compile(r"\bunread\b"))
    assert place in page.locator("#inbox li.notice-item").first.inner_text()
    assert "森林防灭火指挥部" in item.inner_text()

    # Mark it read: it is shown read and the badge drops by one.
    item.locator("button.mark-read").click()
    page.wait_for_url("**/notify/")
    item = page.locator("#inbox li.notice-item", has_text=place)
    expect(item.locator(".state")).to_contain_text("已读")
    assert _badge(page) == before
    assert int(page.locator("#unread-total").inner_text()) == before

    # The notice leads to the incident.
    item.locator("button[name=open]").click()
    page.wait_for_url(re.compile(r".*/command/incidents/\d+/$"))
    assert place in page.locator("main").inner_text()
