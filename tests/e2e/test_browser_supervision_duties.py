"""Supervision in a real browser, continued: a unit records a 安委会 meeting and sees the month met
and the months without one red; a street user splits a hazard into parts.

Users are made with `chengqu user-add` against the same data the server uses.
"""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "E2e-Supervision-Duties-1"


@pytest.fixture(scope="module")
def users(chengqu) -> dict[str, str]:
    tag = secrets.token_hex(3)
    names = {"safety": f"e2e-yjj-{tag}", "street": f"e2e-xsz2-{tag}"}
    for key, unit in (("safety", "区应急管理局"), ("street", "西上庄街道")):
        chengqu("user-add", names[key], "--password", PASSWORD, "--role", "unit", "--unit", unit)
    return names


def _login(browser, base_url: str, username: str, *, phone: bool = False):
    options = {"viewport": {"width": 390, "height": 844}, "is_mobile": True} if phone else {}
    context = browser.new_context(base_url=base_url, locale="zh-CN", **options)
    outside: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) else None)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".account")).to_contain_text("退出")
    return context, page, outside


def test_unit_records_a_meeting_and_months_without_one_show_red(base_url, browser, users):
    context, page, outside = _login(browser, base_url, users["safety"])
    page.goto("/supervision/duties/")
    page.select_option("select[name=obligation]", "safety_committee_meeting")
    page.fill("input[name=held_on]", "2024-05-10")
    page.fill("input[name=person]", "王局长")
    page.fill("textarea[name=note]", "2024年第5次安委会会议纪要")
    page.click("form.sv-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("已登记")
    meeting = page.locator(
        "h2.duty[data-key=safety_committee_meeting][data-unit=区应急管理局] + table"
    )
    expect(meeting.locator("tr[data-period='2024年5月']")).to_have_attribute("data-status", "met")
    april = meeting.locator("tr[data-period='2024年4月']")
    expect(april).to_have_attribute("data-status", "missed")
    expect(april.locator(".badge")).to_have_text("未落实")
    assert "b-red" in (april.locator(".badge").get_attribute("class") or "")
    expect(page.locator("main")).to_contain_text("2024年第5次安委会会议纪要")
    context.close()
    assert outside == []


def test_street_user_splits_a_hazard_and_cannot_close_it_while_a_part_is_open(
    base_url, browser, users
):
    context, page, outside = _login(browser, base_url, users["street"], phone=True)
    page.goto("/supervision/hazards/new/")
    page.fill("#venue", f"浏览器测试市场{users['street'][-6:]}")
    page.select_option("#venue_class", "nine_small")
    page.select_option("#kind", "小商店")
    page.fill("#venue_person", "赵六")
    page.select_option("#inspector_kind", "town")
    page.select_option("#check_id", "2-1")
    page.fill("#problem", "疏散通道堵塞且电动车室内充电")
    page.fill("#measure", "清理通道; 建设集中充电区")
    page.fill("#responsible_person", "赵六")
    page.fill("#deadline", "2099-06-30")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/supervision/item/**")
    page.fill("#hmeasure", "建设电动车集中充电区")
    page.fill("#hperson", "钱七")
    page.fill("#hdue", "2099-05-31")
    page.click("#split-hazard button")
    expect(page.locator("main")).to_contain_text("已拆分分项隐患")
    expect(page.locator("main")).to_contain_text("尚有 1 项未销案")
    page.fill("#evidence", "整改后照片")
    page.click("form:has(#evidence) button")
    expect(page.locator("main")).to_contain_text("还有1项分项未办结(销案)")
    context.close()
    assert outside == []
