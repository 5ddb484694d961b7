"""The gazette in a real browser: search for 预案 and follow a hit to its clause anchor.

Against ``CHENGQU_E2E_BASE_URL`` when given (CI serves ``make run``, which has loaded the bundled
issue), otherwise against ``chengqu serve`` started here on a fresh, set-up data directory.
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
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.e2e


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
    data_dir: Path = tmp_path_factory.mktemp("e2e-gazette")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_SETTINGS"))}
    env.update(CHENGQU_DATA_DIR=str(data_dir), CHENGQU_ADMIN_PASSWORD="E2e-Admin-Password-1", CHENGQU_PORT=str(port))
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


def test_searching_for_a_plan_leads_to_the_highlighted_clause(page):
    page.goto("/gazette/")
    page.fill("input[name=q]", "预案")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**/gazette/search/**")
    hits = page.locator("ol.hits li a.hit")
    assert hits.count() >= 5
    assert page.locator("ol.hits mark").first.inner_text() == "预案"
    # Follow the first hit that points at a clause.
    target = next(
        hits.nth(i).get_attribute("href") or ""
        for i in range(hits.count())
        if "#" in (hits.nth(i).get_attribute("href") or "")
    )
    page.goto(target)
    eid = target.split("#", 1)[1]
    clause = page.locator(f"li.clause[id='{eid}']")
    assert clause.count() == 1
    assert "预案" in clause.inner_text()
    assert unquote(page.url).endswith(f"#{eid}")
    # The :target style marks the clause the link pointed at.
    assert clause.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"


def test_the_contents_page_lists_the_issue_and_opens_a_public_document(page):
    page.goto("/gazette/")
    assert "总第5期" in page.locator("h2").first.inner_text()
    page.click("text=晋城市城区人民政府办公室关于印发晋城市城区市场主体应急周转资金管理办法的通知")
    assert page.locator("h1").inner_text().startswith("晋城市城区人民政府办公室关于印发")
    assert page.locator("li.clause[id='chp_2__art_10']").count() == 1
