"""The fund's main path in a real browser: an enterprise applies, its bank signs, the operator reviews.

Users are made with `chengqu user-add` against the same data the server uses.
"""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "E2e-Fund-Password-1"


@pytest.fixture(scope="module")
def parties(chengqu) -> dict[str, str]:
    tag = secrets.token_hex(3)
    names = {"enterprise": f"e2e-ent-{tag}", "bank": f"e2e-bank-{tag}", "operator": f"e2e-op-{tag}"}
    units = {
        "enterprise": (f"e2e-qy-{tag}", f"浏览器测试企业{tag}"),
        "bank": (f"e2e-yh-{tag}", f"浏览器测试银行{tag}"),
    }
    for kind, username in names.items():
        if kind in units:
            unit = ["--unit", units[kind][0], "--unit-name", units[kind][1], "--unit-kind", kind]
            args = ["user-add", username, "--role", kind, *unit, "--password", PASSWORD]
        else:  # the operator is the unit the fund's loader registers
            args = [
                "user-add",
                username,
                "--role",
                "unit",
                "--unit",
                "fund-operator",
                "--password",
                PASSWORD,
            ]
        chengqu(*args)
    names["bank_name"] = units["bank"][1]
    return names


def _page(browser, base_url: str):
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    return context, context.new_page()


def _login(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".account")).to_contain_text("退出")  # waits for the signed-in page


def test_enterprise_applies_bank_signs_operator_reviews(base_url, browser, parties):
    outside: list[str] = []
    context, page = _page(browser, base_url)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) else None)

    # the enterprise fills in the form and sends it to its bank
    _login(page, parties["enterprise"])
    page.goto("/fund/")
    page.click("#new-application")
    page.select_option("#bank", label=parties["bank_name"])
    page.fill("#maturing_amount", "1000")
    page.fill("#maturity", "2024-10-14")
    page.fill("#requested", "1000")
    page.click("form.form button[type=submit]")
    assert "2024-09-25" in page.locator("table.deadlines").inner_text()
    number_url = page.url
    page.fill("#action-submit input[name=day]", "2024-09-18")
    page.click("#action-submit button[type=submit]")
    expect(page.locator("#state")).to_have_text("已报送银行")
    context.close()

    # the bank signs: first too late (refused with the latest date), then in time
    context, page = _page(browser, base_url)
    _login(page, parties["bank"])
    page.goto(number_url)
    page.fill("#action-sign input[name=signed_on]", "2024-09-26")
    page.click("#action-sign button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("最迟签署日为 2024-09-25")
    page.fill("#action-sign input[name=signed_on]", "2024-09-24")
    page.click("#action-sign button[type=submit]")
    expect(page.locator("#state")).to_have_text("银行已签署")
    context.close()

    # the operator pays in capital, verifies the facts and documents, and approves
    context, page = _page(browser, base_url)
    _login(page, parties["operator"])
    page.goto("/fund/ledger/")
    capital = page.locator("form", has=page.locator("legend", has_text="实缴资金"))
    capital.locator("input[name=key]").fill(f"e2e-{parties['operator']}")
    capital.locator("input[name=amount]").fill("1000")
    capital.locator("input[name=day]").fill("2024-04-10")
    with page.expect_navigation():  # the capital posting completes before we move on
        capital.locator("button[type=submit]").click()
    page.goto(number_url)
    form = page.locator("#action-review")
    selects = form.locator("select")
    for i in range(selects.count()):
        select = selects.nth(i)
        name = select.get_attribute("name") or ""
        excluded = any(k in name for k in ("closure", "defaulted", "owes_fees", "misused"))
        select.select_option("no" if excluded else "yes")
    boxes = form.locator("input[name=documents]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    form.locator("input[name=day]").fill("2024-09-26")
    form.locator("button[type=submit]").click()
    expect(page.locator("#state")).to_have_text("承办主体审核通过")
    context.close()
    assert outside == [], f"the page reached outside the platform: {outside}"
