"""An enterprise on the emission-reduction list, in a real browser: it sees its own entry and the
measures of the warning in force, and cannot open another enterprise's entry (page or API).

Enterprises, their accounts and the list are made with `chengqu user-add`, `chengqu air list-import`
and `chengqu air demo-warning` against the same data the server uses.
"""

from __future__ import annotations

import csv
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "E2e-Air-Enterprise-1"
HEADER = [
    "年度",
    "企业名称",
    "统一社会信用代码",
    "行业",
    "绩效等级",
    "年排放量SO2(吨)",
    "年排放量NOx(吨)",
    "年排放量颗粒物(吨)",
    "年排放量VOCs(吨)",
]


@pytest.fixture(scope="module")
def enterprises(chengqu, tmp_path_factory) -> dict[str, dict[str, str]]:
    chengqu("air", "demo-warning", "--level", "orange", check=False)  # orange in force (or already)
    tag = secrets.token_hex(3).upper()
    parties = {}
    for key in ("a", "b"):
        code = f"91140502E2E{tag}{key.upper()}"
        parties[key] = {
            "code": code,
            "name": f"浏览器测试{key.upper()}化工{tag}",
            "user": f"e2e-air-{key}-{tag}".lower(),
        }
        chengqu(
            "user-add",
            parties[key]["user"],
            "--role",
            "enterprise",
            "--unit",
            code,
            "--unit-name",
            parties[key]["name"],
            "--unit-kind",
            "enterprise",
            "--password",
            PASSWORD,
        )
    levels = [(p, f"{p}预警措施") for p in ("黄色", "橙色", "红色")]
    header = list(HEADER)
    for prefix, text in levels:
        header += [text, *(f"{prefix}减排{s}(吨)" for s in ("SO2", "NOx", "颗粒物", "VOCs"))]
    path = Path(tmp_path_factory.mktemp("air-list")) / "list.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for p in parties.values():
            row = [2026, p["name"], p["code"], "化工", "B", 10, 10, 10, 10]
            for prefix, _ in levels:
                row += [f"{p['name']}{prefix}措施", 1, 1, 1, 1]
            writer.writerow(row)
    chengqu("air", "list-import", str(path))
    return parties


def _login(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".account")).to_contain_text("退出")


def _own_entry_id(browser, base_url: str, username: str) -> int:
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    page = context.new_page()
    _login(page, username)
    items = page.request.get("/api/v1/air/list/mine").json()["items"]
    context.close()
    assert len(items) == 1
    return int(items[0]["id"])


def test_an_enterprise_sees_its_own_measures_now_and_not_another_enterprises_entry(
    browser, base_url, enterprises
):
    a, b = enterprises["a"], enterprises["b"]
    other = _own_entry_id(browser, base_url, b["user"])
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    page = context.new_page()
    _login(page, a["user"])
    page.goto("/air/enterprise/")
    assert a["name"] in page.locator("h2").first.inner_text()
    now = page.locator(".now").first.inner_text()
    assert "橙色预警(Ⅱ级响应)" in now
    assert f"{a['name']}橙色措施" in now
    assert b["name"] not in page.content()
    response = page.goto(f"/air/list/{other}/")
    assert response is not None
    assert response.status == 404
    assert page.request.get(f"/api/v1/air/list/{other}").status == 404
    context.close()
