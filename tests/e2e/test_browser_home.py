"""The platform in a real browser: home page, sign-in and sign-out (fixtures in conftest.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_home_page_shows_the_modules_and_their_documents(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "晋城市城区政务运行平台"
    table = page.locator("table.modules")
    assert table.locator("tbody tr").count() >= 6
    assert "城政办发〔2024〕6号" in table.inner_text()
    # The stylesheet is served locally and applied: the header carries its red rule.
    border = page.locator("header.site-header").evaluate(
        "e => getComputedStyle(e).borderBottomStyle"
    )
    assert border == "solid"


def test_an_administrator_can_sign_in_and_out(page, admin_password):
    page.goto("/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", admin_password)
    page.click("button[type=submit]")
    # Locator assertions wait for the navigation the click started.
    expect(page.locator(".account")).to_contain_text("系统管理员")
    page.click(".account button")
    expect(page.locator(".account")).to_contain_text("登录")


def test_a_wrong_password_is_refused_with_a_message(page):
    page.goto("/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "definitely-wrong")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_have_count(1)  # waits for the answer to the form
    assert "正确的用户名和密码" in page.locator(".error").inner_text().replace(" ", "")


def test_the_workbench_is_for_signed_in_users(page):
    page.goto("/")
    expect(page.locator("h1")).to_be_visible()
    # Nothing personal before signing in (a warning in force may still show, to everyone).
    expect(page.locator(".workbench h2", has_text="我的工作台")).to_have_count(0)


def test_a_signed_in_user_starts_from_the_workbench_and_a_tile_opens_the_work(admin_page):
    page = admin_page
    page.goto("/")
    expect(page.locator(".workbench h2")).to_have_text("我的工作台")
    # The bundled 2024 work-report tasks are long past their deadlines: they wait, in red.
    tile = page.locator(".tile.tone-red", has_text="逾期任务").first
    expect(tile).to_be_visible()
    count = int(tile.locator(".tile-value").inner_text())
    assert count > 0
    tile.locator("a").click()
    page.wait_for_url("**/supervision/**overdue=1*")
    expect(page.locator("h1")).to_be_visible()
