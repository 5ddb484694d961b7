"""The claim period in a real browser: after the assumed close date an enterprise's claim is refused
with the date, its source and who can change it; an administrator records the date the lead units
set (申报期设置) and the same claim then goes through. The close date is put back afterwards.

Users are made with `chengqu user-add` against the same data the server uses.
"""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "E2e-Incentives-Password-1"


@pytest.fixture(scope="module")
def parties(chengqu) -> dict[str, str]:
    tag = secrets.token_hex(3)
    names = {"enterprise": f"e2e-inc-ent-{tag}", "admin": f"e2e-inc-admin-{tag}"}
    chengqu(
        "user-add",
        names["enterprise"],
        "--role",
        "enterprise",
        "--unit",
        f"e2e-inc-qy-{tag}",
        "--unit-name",
        f"浏览器测试演艺公司{tag}",
        "--unit-kind",
        "enterprise",
        "--password",
        PASSWORD,
    )
    chengqu("user-add", names["admin"], "--role", "admin", "--password", PASSWORD)
    return names


def _login(browser, base_url: str, username: str):
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".account")).to_contain_text("退出")
    return context, page


def _set_close(page, close: str, basis: str) -> None:
    page.goto("/incentives/claims-window/")
    page.fill("#id_close", close)
    page.fill("#id_basis", basis)
    page.click("#claims-window-form button[type=submit]")
    expect(page.locator("#claims-close")).to_have_text(close)


def _claim_shows(page) -> None:
    page.goto("/incentives/claims/new/?measure=14")
    page.fill("#f-tourism_show_performances_h1", "120")
    page.set_input_files(
        "#id_documents",
        files=[
            {"name": "演出场次证明.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 e2e"}
        ],
    )
    page.click("#claim-form button[type=submit]")


def test_a_closed_claim_period_is_explained_and_an_administrator_reopens_it(
    browser, base_url, parties
):
    admin_context, admin = _login(browser, base_url, parties["admin"])
    enterprise_context, enterprise = _login(browser, base_url, parties["enterprise"])
    admin.goto("/incentives/claims-window/")
    before = admin.locator("#claims-close").inner_text()
    try:
        _set_close(admin, "2024-12-31", "浏览器测试: 按规则表假定日期")
        _claim_shows(enterprise)
        alert = enterprise.locator("[role=alert]").inner_text()
        assert "申报期已于 2024-12-31 截止" in alert
        assert "浏览器测试: 按规则表假定日期" in alert
        assert "申报期设置" in alert

        _set_close(admin, "2099-12-31", "浏览器测试: 区文化和旅游局申报细则")
        expect(admin.locator("#claims-window-history")).to_contain_text("区文化和旅游局申报细则")
        _claim_shows(enterprise)
        expect(enterprise.locator("#computed")).to_have_text("300000.00")
    finally:
        _set_close(admin, before, "浏览器测试结束, 恢复原截止日")
        admin_context.close()
        enterprise_context.close()
