"""Browser fixtures: Debian's chromium driven by Playwright against a real `chengqu serve`.

Against ``CHENGQU_E2E_BASE_URL`` when given (CI points it at ``make run`` from a fresh clone, which
has loaded the bundled data), otherwise against ``chengqu serve`` started here on a fresh, set-up
data directory, shared by every browser test of the session.
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

ADMIN_PASSWORD = os.environ.get("CHENGQU_E2E_ADMIN_PASSWORD", "E2e-Admin-Password-1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def admin_password() -> str:
    return ADMIN_PASSWORD


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """(base url, environment for running `chengqu` commands against the same database)."""
    # Commands run as the server runs: production settings, not this process's test settings
    # (which pytest-django exported, with a test-only password hasher the server does not know).
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_SETTINGS"))
    }
    given = os.environ.get("CHENGQU_E2E_BASE_URL")
    if given:
        # CI serves `make run` on CHENGQU_E2E_DATA_DIR; commands must use that database too.
        if os.environ.get("CHENGQU_E2E_DATA_DIR"):
            env["CHENGQU_DATA_DIR"] = os.environ["CHENGQU_E2E_DATA_DIR"]
        yield given.rstrip("/"), env
        return
    data_dir: Path = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    env.update(
        CHENGQU_DATA_DIR=str(data_dir),
        CHENGQU_ADMIN_PASSWORD=ADMIN_PASSWORD,
        CHENGQU_PORT=str(port),
    )
    subprocess.run(
        [sys.executable, "-m", "portal.cli", "setup"], env=env, check=True, capture_output=True
    )
    server = subprocess.Popen([sys.executable, "-m", "portal.cli", "serve"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        yield url, env
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def base_url(site: tuple[str, dict[str, str]]) -> str:
    return site[0]


@pytest.fixture(scope="session")
def chengqu(site: tuple[str, dict[str, str]]):
    """Run a `chengqu` command against the server's database: chengqu("air", "demo-warning")."""

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "portal.cli", *args],
            env=site[1],
            capture_output=True,
            text=True,
            check=check,
        )

    return run


@pytest.fixture(scope="session")
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
    """A fresh page; the test fails if the page asked anything of a host other than the platform."""
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) else None)
    yield page
    context.close()
    assert outside == [], f"the page reached outside the platform: {outside}"


@pytest.fixture
def admin_page(page, admin_password):
    """The checked page, signed in as the first administrator (the one `make run` created)."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", admin_password)
    page.click("button[type=submit]")
    expect(page.locator(".account")).to_contain_text("退出")  # waits for the signed-in page
    return page
