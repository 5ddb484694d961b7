"""/api/v1/incentives/: evaluate is public like the calculator; batch and claims keep the pages' roles."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.incentives.models import BatchRun, Claim

pytestmark = pytest.mark.django_db

API = "/api/v1/incentives"


def post_json(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_anyone_can_evaluate_one_enterprise(client):
    response = post_json(
        client, f"{API}/evaluate", {"facts": {"q1_investment": "60000000"}, "as_of": "2024-07-15"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == "120000.00"
    assert body["awards"][0]["citation"]["clause"] == "item_1"
    assert body["as_of"] == "2024-07-15"


def test_json_numbers_are_read_exactly_and_bad_facts_name_the_field(client):
    body = post_json(
        client, f"{API}/evaluate", {"facts": {"q1_investment": 50000000.5}, "as_of": "2024-07-15"}
    ).json()
    assert body["awards"][0]["amount"] == "100000.00"
    response = post_json(
        client, f"{API}/evaluate", {"facts": {"q1_investmnt": "1"}, "as_of": "2024-07-15"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "q1_investmnt"
    assert "q1_investment" in response.json()["message"]  # the nearest known name is suggested


def test_batches_need_a_login_and_a_lead_unit_role(client, people, login):
    assert client.get(f"{API}/batches").status_code == 401
    assert login(people.acme_user).get(f"{API}/batches").status_code == 403


def test_a_lead_unit_runs_a_batch_and_pages_through_its_results(people, login):
    client = login(people.finance)
    data = b"id,q1_investment\nA,60000000\nB,-1\nC,1000\n"
    response = client.post(
        f"{API}/batches", {"file": SimpleUploadedFile("a.csv", data), "as_of": "2024-07-15"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["good_count"], body["error_count"], body["total"]) == (2, 1, "120000.00")
    assert body["errors"][0]["line"] == 3
    results = client.get(f"{API}/batches/{body['id']}/results", {"qualified_only": True}).json()
    assert results["count"] == 1
    assert results["results"][0]["id"] == "A"
    assert login(people.tourism_user).get(f"{API}/batches/{body['id']}").status_code == 404
    # publish, then the list is public without the facts
    assert login(people.finance).post(f"{API}/batches/{body['id']}/publish").status_code == 200
    client.logout()
    people.beta.code = "A"
    people.beta.save()
    opened = login(people.finance).post(f"{API}/batches/{body['id']}/claims").json()
    assert len(opened["created"]) == 1
    assert opened["unmatched"] == []
    assert login(people.beta_user).get(f"{API}/claims").json()[0]["source"] == "batch"
    client.logout()
    assert [b["id"] for b in client.get(f"{API}/published").json()] == [body["id"]]
    public = client.get(f"{API}/published/{body['id']}").json()
    assert public["results"] == [
        {"id": "A", "name": "", "awards": public["results"][0]["awards"], "total": "120000.00"}
    ]


def test_the_api_refuses_a_bad_file_with_a_code(people, login):
    response = login(people.finance).post(
        f"{API}/batches", {"file": SimpleUploadedFile("a.txt", b"x")}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "file"
    assert BatchRun.objects.count() == 0


def test_the_claim_path_through_the_api(people, login, claim_day):
    enterprise = login(people.acme_user)
    response = enterprise.post(
        f"{API}/claims",
        {
            "measure": "14",
            "facts": json.dumps({"tourism_show_performances_h1": "100"}),
            "documents": [SimpleUploadedFile("证明.pdf", b"%PDF")],
        },
    )
    assert response.status_code == 201, response.content
    claim_id = response.json()["id"]
    assert response.json()["documents"][0]["name"] == "证明.pdf"
    assert login(people.beta_user).get(f"{API}/claims/{claim_id}").status_code == 404
    assert login(people.beta_user).get(f"{API}/claims").json() == []
    assert (
        post_json(
            login(people.commerce_user), f"{API}/claims/{claim_id}/review", {"approve": True}
        ).status_code
        == 404
    )
    assert (
        post_json(
            login(people.tourism_user), f"{API}/claims/{claim_id}/review", {"approve": True}
        ).status_code
        == 200
    )
    assert (
        post_json(
            login(people.tourism_user), f"{API}/claims/{claim_id}/approve", {"approve": True}
        ).status_code
        == 403
    )
    assert (
        post_json(
            login(people.government_user), f"{API}/claims/{claim_id}/approve", {"approve": True}
        ).status_code
        == 200
    )
    paid = post_json(login(people.finance), f"{API}/claims/{claim_id}/pay", {"reference": "CZ-9"})
    assert paid.status_code == 200
    assert paid.json()["payment"]["amount"] == "300000.00"
    ledger = login(people.inspector).get(f"{API}/ledger").json()
    assert ledger["total"] == "300000.00"
    again = post_json(login(people.finance), f"{API}/claims/{claim_id}/pay", {"reference": "CZ-10"})
    assert again.status_code == 400
    assert again.json()["code"] == "incentives.claim_state"
    assert Claim.objects.get().status == Claim.Status.PAID


def test_an_enterprise_cannot_review_its_own_claim(people, login, claim_day):
    enterprise = login(people.acme_user)
    claim_id = enterprise.post(
        f"{API}/claims",
        {
            "measure": "14",
            "facts": json.dumps({"tourism_show_performances_h1": "100"}),
        },
    ).json()["id"]
    assert (
        post_json(enterprise, f"{API}/claims/{claim_id}/review", {"approve": True}).status_code
        == 403
    )
