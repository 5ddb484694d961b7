"""The platform in a real browser: Debian's chromium driven by Playwright.

Against ``CHENGQU_E2E_BASE_URL`` when given (CI points it at ``make run`` from a fresh clone),
otherwise against ``chengqu serve`` started here on a fresh data directory.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ADMIN_PASSWORD = os.environ.get("CHENGQU_E2E_ADMIN_PASSWORD", "E2e-Admin-Password-1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("CHENGQU_E2E_BASE_URL")
    if given:
        yield given.rstrip("/")
        return
    data_dir: Path = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_SETTINGS"))}
    env.update(CHENGQU_DATA_DIR=str(data_dir), CHENGQU_ADMIN_PASSWORD=ADMIN_PASSWORD, CHENGQU_PORT=str(port))
    subprocess.run([sys.executable, "-m", "portal.cli", "setup"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "portal.cli", "serve"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=os.environ["CHENGQU_E2E_CHROMIUM"],
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) else None)
    yield page
    context.close()
    assert outside == [], f"the page reached outside the platform: {outside}"


def test_the_home_page_shows_the_modules_and_their_documents(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "晋城市城区政务运行平台"
    table = page.locator("table.modules")
    assert table.locator("tbody tr").count() >= 6
    assert "城政办发〔2024〕6号" in table.inner_text()
    # The stylesheet is served locally and applied: the header carries its red rule.
    border = page.locator("header.site-header").evaluate("e => getComputedStyle(e).borderBottomStyle")
    assert border == "solid"


def test_an_administrator_can_sign_in_and_out(page):
    page.goto("/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert "系统管理员" in page.locator(".account").inner_text()
    page.click(".account button")
    assert "登录" in page.locator(".account").inner_text()


def test_a_wrong_password_is_refused_with_a_message(page):
    page.goto("/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "definitely-wrong")
    page.click("button[type=submit]")
    assert page.locator(".error").count() == 1
