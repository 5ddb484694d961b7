"""Suite-wide switches: PostgreSQL-only and browser tests skip, with the reason, unless enabled."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# No per-example deadline: CI shares two cores with other work, and speed is measured in bench/.
settings.register_profile("chengqu", deadline=None, print_blob=True)
settings.load_profile("chengqu")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="需要 PostgreSQL: 设置 CHENGQU_TEST_DATABASE_URL 后运行")
    skip_e2e = pytest.mark.skip(
        reason="需要浏览器: 设置 CHENGQU_E2E_CHROMIUM (Debian chromium 路径) 后运行"
    )
    for item in items:
        if "pg" in item.keywords and not os.environ.get("CHENGQU_TEST_DATABASE_URL"):
            item.add_marker(skip_pg)
        if "e2e" in item.keywords and not os.environ.get("CHENGQU_E2E_CHROMIUM"):
            item.add_marker(skip_e2e)
