"""An enterprise sees its own reduction-list entry and what it must do now; never another's. The API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.accounts.models import Department, Person
from portal.accounts.roles import Role
from portal.accounts.services import position_assign
from portal.air import services
from portal.air.loading import load_hq_posts, load_member_units
from portal.air.models import EnterpriseMeasure, Exemption, HqPost, ListEnterprise
from portal.core.loading import load_units


@pytest.fixture
def world(db, make_user):
    load_units()
    load_member_units()
    load_hq_posts()
    commander = make_user("commander", Role.COMMANDER)
    person = Person.objects.create(name="指挥长甲", user=commander)
    position_assign(
        position=HqPost.objects.get(kind="commander").position,
        person=person,
        start=date(2024, 1, 1),
    )
    office = make_user("office", Role.HQ_OFFICE, department=Department.objects.get(code="sthjfj"))
    town = make_user("town", Role.UNIT, department=Department.objects.get(code="bsdz"))
    units = {}
    entries = {}
    for key, name, code in (
        ("a", "甲化工有限公司", "91140500A"),
        ("b", "乙焦化有限公司", "91140500B"),
    ):
        units[key] = Department.objects.create(
            code=code.lower(), name=name, kind=Department.Kind.ENTERPRISE
        )
        entry = ListEnterprise.objects.create(
            year=2026,
            name=name,
            credit_code=code,
            department=units[key],
            so2=Decimal(10),
            nox=Decimal(10),
            pm=Decimal(10),
            vocs=Decimal(10),
        )
        for response, text in (
            ("III", f"{name}黄色:限产20%"),
            ("II", f"{name}橙色:限产40%"),
            ("I", f"{name}红色:停产"),
        ):
            EnterpriseMeasure.objects.create(
                enterprise=entry, response=response, text=text, so2=Decimal(2)
            )
        entries[key] = entry
    users = {k: make_user(f"ent_{k}", Role.ENTERPRISE, department=u) for k, u in units.items()}
    return {
        "commander": commander,
        "office": office,
        "town": town,
        "units": units,
        "entries": entries,
        "users": users,
    }


def _publish(world, values=(201, 201)):
    d = services.warning_draft(
        actor=world["office"], forecast={"kind": "daily", "values": list(values)}, note="演示"
    )
    services.warning_approve(decision=d, actor=world["commander"])
    return services.warning_publish(decision=d, actor=world["office"])


def test_an_enterprise_sees_its_own_entry_and_the_measures_of_the_level_in_force(
    client, login, world
):
    login(world["users"]["a"])
    html = client.get("/air/enterprise/").content.decode()
    assert "甲化工有限公司" in html
    assert "乙焦化" not in html
    assert "当前无重污染天气预警" in html
    _publish(world)  # orange: response II
    html = client.get("/air/enterprise/").content.decode()
    assert "当前预警: 橙色预警(Ⅱ级响应)" in html
    now = html[html.index('id="now-') : html.index("</div>", html.index('id="now-'))]
    assert "甲化工有限公司橙色:限产40%" in now
    assert "黄色:限产20%" not in now
    assert "预案规定的工业源强制性措施" in now


def test_an_enterprise_cannot_read_another_enterprises_entry_page_or_api(client, login, world):
    other = world["entries"]["b"]
    own = world["entries"]["a"]
    login(world["users"]["a"])
    assert client.get(f"/air/list/{other.pk}/").status_code == 404
    assert client.get(f"/air/list/{own.pk}/").status_code == 200
    assert client.get(f"/api/v1/air/list/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/air/list/{own.pk}").json()["name"] == "甲化工有限公司"
    mine = client.get("/api/v1/air/list/mine").json()["items"]
    assert [e["name"] for e in mine] == ["甲化工有限公司"]
    assert client.get("/air/list/").status_code == 403  # the whole list is the office's
    assert client.get("/api/v1/air/list/check?year=2026").status_code == 403


def test_an_enterprise_user_of_a_non_enterprise_unit_or_without_the_role_sees_nothing(
    client, login, world, make_user
):
    login(world["town"])
    assert client.get(f"/air/list/{world['entries']['a'].pk}/").status_code == 403
    assert client.get("/api/v1/air/list/mine").status_code == 403
    assert client.get(f"/api/v1/air/list/{world['entries']['a'].pk}").status_code == 404
    odd = make_user(
        "odd", Role.ENTERPRISE, department=Department.objects.get(code="bsdz")
    )  # a town, not an enterprise
    login(odd)
    assert "尚未关联" in client.get("/air/enterprise/").content.decode()
    assert client.get(f"/air/list/{world['entries']['a'].pk}/").status_code == 404


def test_an_exempted_level_is_shown_as_exempt(client, login, world):
    entry = world["entries"]["a"]
    Exemption.objects.create(
        enterprise=entry,
        clause="4.4(8)",
        responses="II",
        reason="重点项目",
        approved_by="市发改委",
        approval_ref="批复1",
        approved_on=date(2026, 1, 1),
        recorded_at=timezone.now(),
        recorded_by=world["office"],
    )
    _publish(world)
    login(world["users"]["a"])
    body = client.get(f"/api/v1/air/list/{entry.pk}").json()
    assert body["required_now"]["response"] == "II"
    assert body["required_now"]["exempt"] is True
    assert "本级别已获批准豁免" in client.get("/air/enterprise/").content.decode()
    yellow = client.get(f"/api/v1/air/list/{entry.pk}?level=yellow").json()["required_now"]
    assert (yellow["exempt"], yellow["measure"]["text"]) == (False, "甲化工有限公司黄色:限产20%")
    assert client.get(f"/api/v1/air/list/{entry.pk}?level=purple").status_code == 400


def test_the_office_reads_any_entry_and_the_check_per_level(client, login, world):
    login(world["office"])
    assert client.get(f"/air/list/{world['entries']['b'].pk}/").status_code == 200
    body = client.get("/api/v1/air/list/check?year=2026&level=orange").json()
    assert {c["level"] for c in body["checks"]} == {"orange"}
    so2 = next(c for c in body["checks"] if c["pollutant"] == "so2")
    assert (so2["reduced"], so2["district_total"], so2["met"]) == ("4.000", None, False)
    assert so2["citation"]["clause"] == "4.3"
    assert client.get("/api/v1/air/list/check?year=2026&level=blue").status_code == 400


def test_warning_history_and_detail_with_measures_and_cap_alerts(client, login, world):
    first = _publish(world)
    login(world["town"])
    items = client.get("/api/v1/air/warnings").json()["items"]
    assert [(i["id"], i["level"], i["status"]) for i in items] == [
        (first.pk, "orange", "published")
    ]
    detail = client.get(f"/api/v1/air/warnings/{first.pk}").json()
    assert detail["response"] == "II"
    assert detail["decision"]["reduction_target_percent"] == 30
    assert any("重型货车" in m["text"] for m in detail["measures"])
    assert [(c["msg_type"], c["identifier"]) for c in detail["cap_alerts"]] == [
        ("Alert", first.cap.identifier)
    ]
    assert [a["member"] for a in detail["acknowledgements"]] == [
        "北石店镇"
    ]  # its own unit's receipt only


def test_drafts_are_hidden_from_units_and_shown_to_the_office(client, login, world):
    draft = services.warning_draft(
        actor=world["office"], forecast={"kind": "daily", "values": [201]}, note="草稿"
    )
    login(world["town"])
    assert client.get(f"/api/v1/air/warnings/{draft.pk}").status_code == 404
    assert client.get("/api/v1/air/warnings?drafts=true").json()["items"] == []
    login(world["office"])
    assert client.get(f"/api/v1/air/warnings/{draft.pk}").json()["status"] == "draft"
    assert [i["id"] for i in client.get("/api/v1/air/warnings?drafts=true").json()["items"]] == [
        draft.pk
    ]
    client.logout()
    assert client.get("/api/v1/air/warnings").status_code == 401
