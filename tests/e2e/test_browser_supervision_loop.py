"""Supervision in a real browser: a department user works a task and the 督查室 closes it; a street
user registers a hazard on a phone and an inspector closes it after re-inspection.

Users are made with `chengqu user-add` against the same data the server uses.
"""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "E2e-Supervision-Password-1"


@pytest.fixture(scope="module")
def users(chengqu) -> dict[str, str]:
    tag = secrets.token_hex(3)
    names = {"finance": f"e2e-czj-{tag}", "street": f"e2e-xsz-{tag}", "inspector": f"e2e-dcs-{tag}"}
    for key, unit in (("finance", "区财政局"), ("street", "西上庄街道"), ("inspector", "")):
        args = [
            "user-add",
            names[key],
            "--password",
            PASSWORD,
            "--role",
            "inspectorate" if key == "inspector" else "unit",
        ]
        if unit:
            args += ["--unit", unit]
        chengqu(*args)
    return names


def _context(browser, base_url: str, *, phone: bool = False):
    options = {"viewport": {"width": 390, "height": 844}, "is_mobile": True} if phone else {}
    context = browser.new_context(base_url=base_url, locale="zh-CN", **options)
    outside: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) else None)
    return context, page, outside


def _login(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".account")).to_contain_text("退出")  # waits for the signed-in page


def test_department_user_works_a_task_and_the_inspectorate_closes_it(base_url, browser, users):
    context, page, outside = _context(browser, base_url)
    _login(page, users["finance"])
    page.goto("/supervision/?mine=1&status=dispatched")
    first = page.locator("table.sv-table tbody tr a").first
    first.click()
    page.wait_for_url("**/supervision/item/**")
    task_url = page.url
    expect(page.locator("main")).to_contain_text("区财政局")
    page.click("text=签收")
    page.fill("#progress", "50")
    page.fill("#ptext", "已完成一半")
    page.click("form:has(#ptext) button")
    expect(page.locator("#state")).to_contain_text("推进中")
    page.fill("#evidence", "完成情况报告及佐证材料")
    page.click("form:has(#evidence) button")
    expect(page.locator("#state")).to_contain_text("待审核")
    page.click(".account button")
    _login(page, users["inspector"])
    page.goto(task_url)
    page.click("text=审核通过, 办结")
    expect(page.locator("#state")).to_contain_text("已办结")
    context.close()
    assert outside == []


def test_street_user_reports_a_hazard_on_a_phone_and_an_inspector_closes_it(
    base_url, browser, users
):
    context, page, outside = _context(browser, base_url, phone=True)
    _login(page, users["street"])
    page.goto("/supervision/hazards/new/")
    page.fill("#venue", f"浏览器测试饭店{users['street'][-6:]}")
    page.select_option("#venue_class", "nine_small")
    page.select_option("#kind", "小餐饮")
    page.fill("#venue_person", "李四")
    page.select_option("#inspector_kind", "town")
    page.select_option("#check_id", "2-1")
    page.fill("#problem", "后门安全出口被杂物堵塞")
    page.fill("#measure", "清理杂物, 保持畅通")
    page.fill("#responsible_person", "李四")
    page.fill("#deadline", "2099-03-01")
    # the form fits the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.click("main form button[type=submit]")
    page.wait_for_url("**/supervision/item/**")
    hazard_url = page.url
    page.fill("#evidence", "整改后照片")
    page.click("form:has(#evidence) button")
    expect(page.locator("#state")).to_contain_text("待审核")
    page.click(".account button")
    _login(page, users["inspector"])
    page.goto(hazard_url)
    page.click("text=复查合格, 销案")
    expect(page.locator("#state")).to_contain_text("已办结")
    context.close()
    assert outside == []
