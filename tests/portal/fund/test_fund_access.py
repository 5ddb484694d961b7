"""The ownership matrix of issue 6 §1, on the pages and on the API."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fund_helpers import MATURITY, drive  # type: ignore[import-not-found]

from portal.fund.models import State

READERS_OF_ALL = ("operator", "finance", "auditor")


@pytest.fixture
def apps(funded):
    """One application of enterprise A at bank A (signed), one of enterprise B at bank B (submitted)."""
    mine = drive(funded, "signed")
    from fund_helpers import new_app  # type: ignore[import-not-found]

    from portal.fund import services

    theirs = new_app(funded, bank=funded.bank2, user=funded.ent2_user)
    theirs = services.application_submit(
        actor=funded.ent2_user, application=theirs, day=date(2024, 9, 18)
    )
    draft = new_app(funded)  # a draft: not yet the bank's business
    return funded, mine, theirs, draft


# who → (sees A's signed, sees B's, sees A's draft)
MATRIX = {
    "ent_user": (True, False, True),
    "ent2_user": (False, True, False),
    "bank_user": (True, False, False),
    "bank2_user": (False, True, False),
    "operator": (True, True, True),
    "finance": (True, True, True),
    "auditor": (True, True, True),
    "other_unit": (False, False, False),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_who_sees_which_application_on_pages_and_api(apps, client, who):
    f, mine, theirs, draft = apps
    client.force_login(getattr(f, who), backend="django.contrib.auth.backends.ModelBackend")
    expected = MATRIX[who]
    for app, allowed in zip((mine, theirs, draft), expected, strict=True):
        page = client.get(f"/fund/{app.pk}/")
        api = client.get(f"/api/v1/fund/applications/{app.pk}")
        assert (page.status_code == 200) is allowed, (who, app.number, page.status_code)
        assert (api.status_code == 200) is allowed, (who, app.number, api.status_code)
        if not allowed:
            assert page.status_code in (403, 404)
            assert api.status_code in (403, 404)
    listed = {row["id"] for row in client.get("/api/v1/fund/applications").json()["items"]}
    assert listed == {a.pk for a, ok in zip((mine, theirs, draft), expected, strict=True) if ok}
    index = client.get("/fund/").content.decode()
    assert (mine.number in index) is expected[0]
    assert (theirs.number in index) is expected[1]


@pytest.mark.parametrize("who", ["ent_user", "bank_user", "other_unit"])
def test_only_oversight_sees_the_ledger_and_reports(apps, client, who):
    f = apps[0]
    client.force_login(getattr(f, who), backend="django.contrib.auth.backends.ModelBackend")
    for url in (
        "/fund/ledger/",
        "/fund/reports/",
        "/fund/ledger.xlsx",
        "/fund/exclusions/",
        "/api/v1/fund/balances",
        "/api/v1/fund/ledger",
        "/api/v1/fund/reports/month?year=2024&number=10",
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("who", READERS_OF_ALL)
def test_oversight_sees_the_ledger(apps, client, who):
    f = apps[0]
    client.force_login(getattr(f, who), backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/fund/ledger/").status_code == 200
    body = client.get("/api/v1/fund/balances").json()
    assert body["available"] == "10000000.00"


def test_the_auditor_reads_everything_and_changes_nothing(apps, client):
    f, mine, _theirs, _draft = apps
    client.force_login(f.auditor, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        f"/api/v1/fund/applications/{mine.pk}/review",
        data=json.dumps({"day": "2024-09-26"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    client.post(f"/fund/{mine.pk}/act/review/", {"day": "2024-09-26"})
    mine.refresh_from_db()
    assert mine.state == State.SIGNED
    assert (
        client.post(
            "/fund/ledger/post/capital/", {"key": "x", "amount": "1", "day": "2024-05-01"}
        ).status_code
        == 403
    )
    page = client.get(f"/fund/{mine.pk}/").content.decode()
    assert 'id="action-' not in page


def test_a_bank_cannot_sign_for_another_bank_through_the_api(apps, client):
    f, _mine, theirs, _draft = apps
    client.force_login(f.bank_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        f"/api/v1/fund/applications/{theirs.pk}/sign",
        data=json.dumps({"signed_on": "2024-09-20", "renewal_amount": "5000000"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.SUBMITTED


def test_anonymous_users_are_sent_to_login(client, db):
    assert client.get("/fund/").status_code == 302
    assert client.get("/api/v1/fund/applications").status_code == 401


def test_maturity_constant_is_the_national_day_case():
    assert date(2024, 10, 14) == MATURITY
