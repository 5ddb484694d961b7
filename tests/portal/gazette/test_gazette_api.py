"""/api/v1/gazette/: the same visibility as the pages."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from portal.accounts.roles import Role
from portal.gazette.links import clause_url

pytestmark = pytest.mark.django_db

FUND = "城政办发〔2024〕6号"
COMMAND = "城政办发〔2024〕8号"


def test_the_document_list_shows_public_documents_to_strangers_and_all_to_officials(
    client, ingested, make_user, login
):
    anonymous = {d["number"] for d in client.get("/api/v1/gazette/documents").json()}
    assert FUND in anonymous
    assert COMMAND not in anonymous
    login(make_user("official", Role.UNIT))
    everyone = client.get("/api/v1/gazette/documents").json()
    assert len(everyone) == 13
    assert {d["status"] for d in everyone} <= {"尚未生效", "有效", "已废止", "失效"}


def test_the_list_filters_by_category(client, ingested):
    rows = client.get("/api/v1/gazette/documents", {"category": "行政规范性文件"}).json()
    assert {d["number"] for d in rows} == {FUND, "城政发〔2024〕1号"}


def test_a_document_detail_carries_its_clauses_with_permalinks_and_relations(client, ingested):
    body = client.get(f"/api/v1/gazette/documents/{quote(FUND)}").json()
    assert body["number"] == FUND
    assert body["signed_date"] == "2024-03-06"
    art10 = next(c for c in body["clauses"] if c["eid"] == "chp_2__art_10")
    assert art10["url"] == clause_url(FUND, "chp_2__art_10")
    assert art10["parent"] == "chp_2"
    farmland = client.get(f"/api/v1/gazette/documents/{quote('城政发(2024)1号')}").json()
    assert [r["number"] for r in farmland["repeals"]] == ["城政发〔2020〕15号"]


def test_a_document_not_marked_public_answers_401_to_strangers(client, ingested, make_user, login):
    response = client.get(f"/api/v1/gazette/documents/{quote(COMMAND)}")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    login(make_user("official", Role.UNIT))
    assert client.get(f"/api/v1/gazette/documents/{quote(COMMAND)}").status_code == 200


def test_an_unknown_document_is_not_found_with_a_clear_error(client, ingested):
    response = client.get(f"/api/v1/gazette/documents/{quote('城政办发〔2099〕1号')}")
    assert response.status_code == 404
    assert response.json()["code"] == "gazette.not_found"


def test_search_answers_with_highlighted_hits_and_hides_private_ones_from_strangers(
    client, ingested, make_user, login
):
    hits = client.get("/api/v1/gazette/search", {"q": "城政办发[2024]6号"}).json()
    assert hits[0]["number"] == FUND
    assert "<mark>" in hits[0]["snippet_html"]
    assert COMMAND not in {
        h["number"] for h in client.get("/api/v1/gazette/search", {"q": "指挥体系"}).json()
    }
    login(make_user("official", Role.UNIT))
    assert COMMAND in {
        h["number"] for h in client.get("/api/v1/gazette/search", {"q": "指挥体系"}).json()
    }


def test_the_gazette_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/gazette/search" in paths
