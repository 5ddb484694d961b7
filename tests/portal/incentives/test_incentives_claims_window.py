"""The claim period's close date: the gazette fixes none, the rule table assumes 2024-12-31. A live
server in 2026 must say plainly why it refuses a claim (which date, from which configuration, and
how to change it), and a system administrator can record the date the lead units set — audited,
with the history kept — after which claims, the calculator and batch runs use it."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from chengqu.common import DomainError
from portal.audit.models import AuditEntry
from portal.incentives.models import Claim, ClaimsWindow
from portal.incentives.selectors import claims_window, effective_rules
from portal.incentives.services import claim_submit, claims_window_set

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)
SHOWS = {"tourism_show_performances_h1": "120"}  # 第14条: 满100场, 一次性30万


@pytest.fixture
def today_2026(monkeypatch) -> date:
    monkeypatch.setattr("chengqu.common.clock.today", lambda: TODAY)
    return TODAY


def test_a_claim_after_the_assumed_close_names_the_date_the_configuration_and_the_way_to_change_it(
    people, today_2026
):
    with pytest.raises(DomainError) as caught:
        claim_submit(actor=people.acme_user, measure=14, facts=SHOWS)
    error = caught.value
    assert error.code == "incentives.claims_closed"
    assert error.field == "as_of"
    assert "申报期已于 2024-12-31 截止" in error.message
    assert "今天(2026-11-28)" in error.message
    assert "incentives_kaimenhong.toml 的 [claims] close = 2024-12-31" in error.message
    assert "假定" in error.message
    assert "系统管理员" in error.message
    assert "/incentives/claims-window/" in error.message
    assert not Claim.objects.exists()


def test_an_administrator_extends_the_close_date_and_the_claim_goes_through(people, today_2026):
    claims_window_set(
        actor=people.admin, close="2026-12-31", basis="区文化和旅游局 申报细则 城文旅发〔2026〕1号"
    )
    window = claims_window()
    assert window.close == date(2026, 12, 31)
    assert window.configured
    assert "城文旅发〔2026〕1号" in window.source
    claim = claim_submit(actor=people.acme_user, measure=14, facts=SHOWS)
    assert claim.as_of == TODAY
    assert str(claim.computed_amount) == "300000.00"


def test_setting_the_close_date_is_audited_with_the_date_before_and_after(people, today_2026):
    row = claims_window_set(actor=people.admin, close=date(2025, 6, 30), basis="区商务局通知")
    entry = AuditEntry.objects.get(action="incentives.claims_window.set", object_id=str(row.pk))
    assert entry.before["close"] == "2024-12-31"
    assert "[claims] close" in entry.before["source"]
    assert entry.after == {"close": "2025-06-30", "basis": "区商务局通知"}


def test_a_refusal_after_an_administrator_setting_names_the_administrator_and_the_basis(
    people, today_2026
):
    claims_window_set(actor=people.admin, close="2025-06-30", basis="区商务局通知")
    with pytest.raises(DomainError) as caught:
        claim_submit(actor=people.acme_user, measure=14, facts=SHOWS)
    message = caught.value.message
    assert "申报期已于 2025-06-30 截止" in message
    assert "系统管理员 admin-user" in message
    assert "区商务局通知" in message
    assert "incentives_kaimenhong.toml" not in message


def test_the_latest_setting_is_in_force_and_the_history_is_kept(people, today_2026):
    claims_window_set(actor=people.admin, close="2026-12-31", basis="第一次")
    claims_window_set(actor=people.admin, close="2025-03-31", basis="第二次(更正)")
    assert claims_window().close == date(2025, 3, 31)
    assert ClaimsWindow.objects.count() == 2
    assert effective_rules().claims_close == date(2025, 3, 31)


@pytest.mark.parametrize("who", ["finance", "acme_user", "tourism_user", "auditor", "inspector"])
def test_only_a_system_administrator_may_change_the_close_date(people, today_2026, who):
    with pytest.raises(DomainError) as caught:
        claims_window_set(actor=getattr(people, who), close="2026-12-31", basis="x")
    assert caught.value.code == "incentives.forbidden"
    assert not ClaimsWindow.objects.exists()


@pytest.mark.parametrize(
    ("close", "basis", "field"),
    [
        ("2026/12/31", "细则", "close"),
        ("", "细则", "close"),
        ("2026-12-31", "  ", "basis"),
        ("2024-01-01", "细则", "close"),
    ],
)
def test_a_bad_close_date_or_a_missing_basis_is_refused_naming_the_field(
    people, close, basis, field
):
    with pytest.raises(DomainError) as caught:
        claims_window_set(actor=people.admin, close=close, basis=basis)
    assert caught.value.field == field
    assert not ClaimsWindow.objects.exists()


def test_the_settings_page_is_for_administrators_and_records_the_change(people, login, today_2026):
    assert login(people.finance).get("/incentives/claims-window/").status_code == 403
    assert Client().get("/incentives/claims-window/").status_code == 302  # to the login page
    client = login(people.admin)
    page = client.get("/incentives/claims-window/").content.decode()
    assert 'id="claims-close">2024-12-31<' in page
    assert "[claims] close" in page
    response = client.post(
        "/incentives/claims-window/", {"close": "2026-12-31", "basis": "区商务局申报细则"}
    )
    assert response.status_code == 302
    page = client.get("/incentives/claims-window/").content.decode()
    assert 'id="claims-close">2026-12-31<' in page
    assert "区商务局申报细则" in page
    bad = client.post(
        "/incentives/claims-window/", {"close": "明年", "basis": "x"}
    ).content.decode()
    assert "申报截止日格式应为 YYYY-MM-DD" in bad


def test_the_claim_form_shows_the_close_date_and_the_refusal(people, login, today_2026):
    client = login(people.acme_user)
    form = client.get("/incentives/claims/new/?measure=14").content.decode()
    assert "申报截止日: 2024-12-31" in form
    response = client.post("/incentives/claims/new/", {"measure": "14", **SHOWS})
    html = response.content.decode()
    assert response.status_code == 200
    assert "申报期已于 2024-12-31 截止" in html
    assert "/incentives/claims-window/" in html


def test_the_public_calculator_uses_the_close_date_in_force(people, today_2026):
    html = Client().get("/incentives/", {"tourism_show_performances_h1": "120"}).content.decode()
    assert "申报期已于 2024-12-31 截止" in html
    claims_window_set(actor=people.admin, close="2026-12-31", basis="区商务局申报细则")
    html = Client().get("/incentives/", {"tourism_show_performances_h1": "120"}).content.decode()
    assert "申报期已于" not in html
    assert "300000" in html or "30万元" in html
