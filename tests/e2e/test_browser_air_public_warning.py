"""The public heavy-pollution warning page in a real browser (issue 4 §4).

A warning is published through `chengqu air demo-warning` (draft → approval by the 指挥长 →
publication, all through the services), then the page, without login, must show it.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_the_public_page_shows_the_published_warning_with_its_measures_and_chart(page, chengqu):
    result = chengqu("air", "demo-warning", "--level", "orange", check=False)
    # A rerun against the same server finds the orange warning already in force: nothing to change.
    assert result.returncode == 0 or "无需发布" in result.stderr, result.stderr
    page.goto("/air/")
    assert "现行预警: 橙色预警" in page.locator("#current-level").inner_text()
    assert "Ⅱ级应急响应" in page.locator("#current").inner_text()
    assert page.locator("#health li").count() >= 3
    assert "环城路" in page.locator("#current").inner_text()  # 4.2.2 mobile-source measures
    chart = page.locator("svg.aqi-chart")
    assert chart.count() == 1
    assert chart.locator("rect[fill='#ff7e00']").count() >= 1  # hours shaded orange
    assert page.locator("#history tbody tr").count() >= 1
    # The CAP link of the history opens the alert itself.
    href = page.locator("#history a").first.get_attribute("href")
    assert href is not None
    assert href.startswith("/air/cap/")
    response = page.request.get(href)
    assert "urn:oasis:names:tc:emergency:cap:1.2" in response.text()
