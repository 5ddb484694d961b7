"""/api/v1/command/: routing, HQs, incidents with the same roles and unit checks as the pages."""

from __future__ import annotations

import json

from portal.accounts.roles import Role


def test_route_answers_with_the_contract(roster, make_user, login):
    client = login(make_user("u", Role.UNIT))
    body = client.get("/api/v1/command/route", {"q": "道路交通事故"}).json()
    assert body["status"] == "matched"
    assert body["routes"][0]["hq"] == "交通事故应急指挥部"
    assert body["routes"][0]["office"]["host"] == "区交通局"


def test_the_api_needs_a_login(roster, client):
    assert client.get("/api/v1/command/hqs").status_code == 401


def test_hqs_and_one_hq(roster, make_user, login):
    client = login(make_user("u", Role.UNIT))
    rows = client.get("/api/v1/command/hqs").json()
    assert sum(r["kind"] == "special" for r in rows) == 17
    one = client.get("/api/v1/command/hqs/general").json()
    assert sum(s["role"] == "副总指挥" for s in one["seats"]) == 9
    assert client.get("/api/v1/command/hqs/none").status_code == 404


def test_register_and_read_an_incident(roster, make_user, login, town, other_town):
    office = login(make_user("duty", Role.HQ_OFFICE))
    response = office.post(
        "/api/v1/command/incidents",
        json.dumps(
            {
                "incident_type": "饮用水水源地突发环境事件",
                "occurred_at": "2026-01-05T08:30:00+08:00",
                "place": "郭壁水源地",
                "department": "xszjd",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["plan"] == "plan_water_source"
    phone = next(d for d in body["deadlines"] if d["key"] == "water.initial_phone")
    assert phone["due"].startswith("2026-01-05T09:00:00")
    assert phone["overdue"] is True  # long past, nothing filed
    bad = office.post(
        "/api/v1/command/incidents",
        json.dumps({"incident_type": "地震", "place": "城区"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "occurred_at"


def test_units_read_only_their_incidents_through_the_api(
    register, make_user, login, town, other_town
):
    mine = register("地震", department=town)
    theirs = register("地震", department=other_town)
    client = login(make_user("t", Role.UNIT, department=town))
    ids = [i["id"] for i in client.get("/api/v1/command/incidents").json()["items"]]
    assert ids == [mine.pk]
    assert client.get(f"/api/v1/command/incidents/{theirs.pk}").status_code == 403
    refused = client.post(
        "/api/v1/command/incidents",
        json.dumps({"incident_type": "地震"}),
        content_type="application/json",
    )
    assert refused.status_code == 403
