"""The census in a real browser (issue 9, done-when): a census team member re-examines a relic and an
expert verifies a new find.

Users come from `chengqu user-add`; the registered relic is imported through the import page by
the administrator (who acts as 文物局); everything else happens in the browser.
"""

from __future__ import annotations

import io
import random
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "E2e-Relics-Password-1"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture
def sessions(browser, base_url):
    """Open one logged-in page per user; every page must stay inside the platform."""
    contexts = []
    outside: list[str] = []

    def open_as(username: str, password: str):
        context = browser.new_context(base_url=base_url, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.on(
            "request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) else None
        )
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        expect(page.locator(".account")).to_contain_text("退出")
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert outside == [], f"the page reached outside the platform: {outside}"


def _register_xlsx(code: str, name: str, lon: str, lat: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "普查编号",
            "名称",
            "镇(街道)",
            "地址",
            "经度",
            "纬度",
            "保护级别",
            "文物类别",
            "年代",
            "权属",
            "使用情况",
            "保存状况",
            "管理机构",
        ]
    )
    sheet.append(
        [
            code,
            name,
            "北石店镇",
            "府城村",
            lon,
            lat,
            "省级",
            "古建筑",
            "明",
            "集体",
            "闲置",
            "一般",
            "村委会",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_team_member_reexamines_a_relic_and_an_expert_verifies_a_new_find(
    sessions, chengqu, admin_password
):
    chengqu(
        "user-add",
        "e2e_team",
        "--role",
        "unit",
        "--unit",
        "bsdz",
        "--exist-ok",
        "--password",
        PASSWORD,
    )
    chengqu(
        "user-add", "e2e_expert", "--role", "relics-expert", "--exist-ok", "--password", PASSWORD
    )
    tag = f"{int(time.time()) % 1_000_000:06d}"
    rng = random.Random(tag)

    # The 文物局 (administrator) imports the existing register.
    admin = sessions("admin", admin_password)
    admin.goto("/relics/import/")
    lon, lat = f"{rng.uniform(112.80, 112.94):.6f}", f"{rng.uniform(35.45, 35.55):.6f}"
    admin.set_input_files(
        "#file",
        files=[
            {
                "name": "名录.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": _register_xlsx(f"E2E-{tag}", f"测试关帝庙{tag}", lon, lat),
            }
        ],
    )
    admin.click("#import-form button[type=submit]")
    admin.wait_for_url("**/relics/register/")
    expect(admin.locator(".messages")).to_contain_text("已导入 1 处")

    # The census team of 北石店镇 re-examines it: found changed.
    team = sessions("e2e_team", PASSWORD)
    team.goto(f"/relics/register/?q=测试关帝庙{tag}")
    team.click(f"text=测试关帝庙{tag}")
    team.select_option("#outcome", "changed")
    team.fill("#changes", "东配殿屋面已翻修")
    team.click("#reexamine button[type=submit]")
    expect(team.locator(".messages")).to_contain_text("复查结果已登记")
    expect(team.locator("main")).to_contain_text("东配殿屋面已翻修")

    # The team records a new lead, adds a photograph and sends it for verification.
    team.goto("/relics/new/")
    team.fill("#name", f"新发现石桥{tag}")
    team.fill("#address", "北石店镇某村东")
    team.fill("#longitude", f"{rng.uniform(112.80, 112.94):.6f}")
    team.fill("#latitude", f"{rng.uniform(35.45, 35.55):.6f}")
    team.select_option("#level", "unrated")
    team.select_option("#category", "other")
    team.fill("#era", "清")
    team.fill("#ownership", "集体")
    team.fill("#use", "通行")
    team.select_option("#state", "fair")
    team.fill("#managing_body", "村委会")
    team.click("#relic-form button[type=submit]")
    expect(team.locator(".messages")).to_contain_text("已保存")
    team.set_input_files(
        "#file", files=[{"name": "bridge.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
    )
    team.click("#upload-form button[type=submit]")
    expect(team.locator(".messages")).to_contain_text("文件已上传")
    team.click("button[value=submit]")
    expect(team.locator("#stage")).to_have_text("已调查, 待认定")

    # The expert finds it in the review queue and verifies it.
    expert = sessions("e2e_expert", PASSWORD)
    expert.goto("/relics/review/")
    expert.click(f"#leads >> text=新发现石桥{tag}")
    expert.fill("#note", "清代单孔石拱桥, 结构完整, 认定为不可移动文物")
    expert.click("button[value=verify]")
    expect(expert.locator(".messages")).to_contain_text("已认定为不可移动文物")
    expect(expert.locator("#stage")).to_have_text("已认定")
