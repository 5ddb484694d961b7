"""Claim pages: an enterprise applies and follows its own claims only; each step's page is for its
own people; the ledger sums what was paid."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from portal.incentives.models import Claim

pytestmark = pytest.mark.django_db


def apply(client, measure: int = 14, **facts: str):
    data: dict[str, object] = {
        "measure": str(measure),
        **(facts or {"tourism_show_performances_h1": "100"}),
    }
    data["documents"] = [
        SimpleUploadedFile("证明.pdf", b"%PDF-1.4 x"),
        SimpleUploadedFile("照片.jpg", b"\xff\xd8jpg"),
    ]
    return client.post("/incentives/claims/new/", data)


def test_an_enterprise_applies_and_sees_the_award_with_its_clause(people, login, claim_day):
    client = login(people.acme_user)
    form = client.get("/incentives/claims/new/?measure=14").content.decode()
    assert 'name="tourism_show_performances_h1"' in form
    assert 'class="citation"' in form
    response = apply(client)
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incentives/claims/{claim.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert 'id="computed">300000.00<' in html
    assert "证明.pdf" in html
    assert "照片.jpg" in html
    assert claim.documents.count() == 2


def test_an_ineligible_application_is_explained_on_the_form(people, login, claim_day):
    response = apply(login(people.acme_user), tourism_show_performances_h1="99")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert Claim.objects.count() == 0


def test_only_enterprise_users_have_the_application_form(people, login):
    for who in (people.commerce_user, people.finance, people.auditor):
        assert login(who).get("/incentives/claims/new/").status_code == 403
    assert login(people.bank).get("/incentives/claims/").status_code == 403


def test_an_enterprise_cannot_open_another_enterprises_claim_or_its_documents(
    people, login, claim_day
):
    apply(login(people.acme_user))
    claim = Claim.objects.get()
    document = claim.documents.first()
    beta = login(people.beta_user)
    assert beta.get(f"/incentives/claims/{claim.pk}/").status_code == 404
    assert beta.get(f"/incentives/claims/documents/{document.pk}/").status_code == 404
    assert beta.post(f"/incentives/claims/{claim.pk}/documents/", {}).status_code == 404
    assert f"#{claim.pk}" not in beta.get("/incentives/claims/").content.decode()
    # the owner downloads its own document
    own = login(people.acme_user).get(f"/incentives/claims/documents/{document.pk}/")
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == b"%PDF-1.4 x"


def test_another_lead_unit_cannot_open_the_claim(people, login, claim_day):
    apply(login(people.acme_user))
    claim = Claim.objects.get()
    assert login(people.commerce_user).get(f"/incentives/claims/{claim.pk}/").status_code == 404
    assert login(people.tourism_user).get(f"/incentives/claims/{claim.pk}/").status_code == 200


def test_the_path_to_payment_through_the_pages(people, login, claim_day):
    apply(login(people.acme_user))
    claim = Claim.objects.get()
    url = f"/incentives/claims/{claim.pk}/"
    # the enterprise cannot review its own claim
    assert login(people.acme_user).post(url + "review/", {"decision": "pass"}).status_code == 403
    reviewer = login(people.tourism_user)
    assert 'id="review-form"' in reviewer.get(url).content.decode()
    reviewer.post(url + "review/", {"decision": "pass", "amount": "250000", "note": "核减"})
    assert login(people.finance).post(url + "approve/", {"decision": "pass"}).status_code == 403
    login(people.government_user).post(url + "approve/", {"decision": "pass", "note": "同意"})
    payer = login(people.finance)
    assert 'id="pay-form"' in payer.get(url).content.decode()
    payer.post(url + "pay/", {"reference": "CZ-2024-7"})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PAID
    assert claim.payment.amount == Decimal("250000.00")
    html = payer.get("/incentives/ledger/").content.decode()
    assert 'id="ledger-total">250000.00<' in html
    book = load_workbook(io.BytesIO(payer.get("/incentives/ledger/?format=xlsx").content))
    assert book["兑现明细"]["G2"].value == "CZ-2024-7"
    detail = login(people.acme_user).get(url).content.decode()
    assert "已兑现" in detail
    assert "CZ-2024-7" in detail


def test_a_step_refused_by_the_rules_is_a_message_not_an_error(people, login, claim_day):
    apply(login(people.acme_user))
    claim = Claim.objects.get()
    client = login(people.tourism_user)
    response = client.post(
        f"/incentives/claims/{claim.pk}/review/", {"decision": "reject", "note": ""}, follow=True
    )
    assert response.status_code == 200
    assert "退回时请写明理由" in response.content.decode()


def test_the_ledger_is_closed_to_enterprises(people, login):
    assert login(people.acme_user).get("/incentives/ledger/").status_code == 403


def test_a_travel_agency_claims_with_its_tour_groups_one_per_line(people, login, claim_day):
    client = login(people.beta_user)
    response = client.post(
        "/incentives/claims/new/",
        {
            "measure": "15",
            "travel_groups": "600,2,2,是\n500,1,3,是\n80,1,2,是",
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    # 600 × 80 + 500 × 40 = 68,000 (the group of 80 does not count: fewer than 100 guests)
    assert claim.computed_amount == Decimal("68000.00")
    assert claim.facts["travel_groups"][0] == {
        "guests": "600",
        "nights": "2",
        "scenic_spots": "2",
        "district_hotel": True,
    }
