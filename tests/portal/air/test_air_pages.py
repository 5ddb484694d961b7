"""Pages of the air module: the public warning page, role checks, unit isolation, docx, CAP, Atom, list."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from chengqu.common import DomainError
from portal.accounts.models import Department, Person
from portal.accounts.roles import Role
from portal.accounts.services import position_assign
from portal.air import services
from portal.air.loading import load_hq_posts, load_member_units
from portal.air.models import Acknowledgement, DistrictEmissions, HqPost, ListEnterprise, MemberUnit
from portal.air.reduction_list import COLUMNS
from portal.cli import cli
from portal.core.loading import load_units


@pytest.fixture
def setup(db, make_user):
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
    street = make_user("street", Role.UNIT, department=Department.objects.get(code="xszjd"))
    return commander, office, town, street


def _publish(commander, office, values=(201, 201)):
    d = services.warning_draft(
        actor=office, forecast={"kind": "daily", "values": list(values)}, note="演示"
    )
    services.warning_approve(decision=d, actor=commander)
    return services.warning_publish(decision=d, actor=office)


def test_the_public_page_needs_no_login_and_shows_the_warning_measures_chart_and_history(
    client, setup
):
    commander, office, *_ = setup
    page = client.get("/air/")
    assert page.status_code == 200
    assert "当前无重污染天气预警" in page.content.decode()
    _publish(commander, office)
    html = client.get("/air/").content.decode()
    assert "现行预警: 橙色预警" in html
    assert "停止举办大型群众性户外活动" in html  # 4.2.2(1)② health advice
    assert "全天禁止重型货车通行" in html  # 4.2.2(3)③
    assert "<svg" in html
    assert 'fill="#ff7e00"' in html  # the orange hours are shaded
    assert 'id="history"' in html


def test_cap_xml_and_the_atom_feed_are_public(client, setup):
    commander, office, *_ = setup
    d = _publish(commander, office)
    cap = client.get(f"/air/cap/{d.cap.identifier}.xml")
    assert cap.status_code == 200
    assert cap["Content-Type"].startswith("application/cap+xml")
    feed = client.get("/air/feed.atom").content.decode()
    assert d.cap.identifier in feed
    assert "<feed" in feed


def test_workflow_pages_need_a_role_and_units_see_only_their_own(client, login, setup, make_user):
    commander, office, town, _street = setup
    assert client.get("/air/office/").status_code == 302  # anonymous → login
    login(make_user("bank", Role.BANK))
    assert client.get("/air/office/").status_code == 403
    d = _publish(commander, office)
    login(town)
    html = client.get("/air/unit/").content.decode()
    assert "北石店镇" in html
    assert "西上庄街道" not in html
    other = Acknowledgement.objects.get(
        decision=d, member=MemberUnit.objects.get(name="西上庄街道")
    )
    assert client.post("/air/unit/", {"ack": other.pk, "op": "receive"}).status_code == 403
    other.refresh_from_db()
    assert other.received_at is None
    own = Acknowledgement.objects.get(decision=d, member=MemberUnit.objects.get(name="北石店镇"))
    client.post("/air/unit/", {"ack": own.pk, "op": "notify", "count": "5"})
    own.refresh_from_db()
    assert own.notified_count == 5
    assert client.get(f"/air/decision/{d.pk}/").status_code == 403


def test_office_drafts_and_commander_approves_through_the_pages(client, login, setup):
    commander, office, *_ = setup
    login(office)
    response = client.post(
        "/air/office/", {"kind": "daily", "daily": "201,90", "episode": "pm25", "note": ""}
    )
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    # The office cannot approve; the commander can.
    client.post(f"/air/decision/{pk}/", {"op": "approve"})
    assert client.get(f"/air/decision/{pk}/").context["d"].status == "draft"
    login(commander)
    client.post(f"/air/decision/{pk}/", {"op": "approve", "opinion": "同意"})
    login(office)
    client.post(f"/air/decision/{pk}/", {"op": "publish"})
    page = client.get(f"/air/decision/{pk}/")
    assert page.context["d"].status == "published"
    form = client.get(f"/air/decision/{pk}/approval.docx")
    assert form.status_code == 200
    from docx import Document

    text = "\n".join(
        c.text for t in Document(io.BytesIO(form.content)).tables for r in t.rows for c in r.cells
    )
    assert "黄色预警" in text
    assert "指挥长甲" in text or "commander" in text


def test_a_bad_forecast_shows_a_message_not_a_traceback(client, login, setup):
    _, office, *_ = setup
    login(office)
    response = client.post(
        "/air/office/", {"kind": "daily", "daily": "abc", "episode": "pm25"}, follow=True
    )
    assert response.status_code == 200
    assert "不是数值" in response.content.decode()


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append([label for _, label in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "list.xlsx"
    return buffer


GOOD = [
    2026,
    "甲化工有限公司",
    "91140502MA0000000A",
    "化工",
    "B",
    100,
    200,
    50,
    10,
    "限产30%",
    20,
    40,
    10,
    2,
    "限产50%",
    30,
    60,
    15,
    3,
    "停产",
    40,
    80,
    20,
    4,
]


def test_list_import_is_all_or_nothing_with_row_errors_and_exports_back(client, login, setup):
    _, office, *_ = setup
    login(office)
    bad = list(GOOD)
    bad[2] = "91140502MA0000000B"
    bad[10] = 150  # SO2 cut above its 100 t emissions
    response = client.post(
        "/air/list/", {"op": "import", "year": 2026, "file": _xlsx([GOOD, bad])}, follow=True
    )
    html = response.content.decode()
    assert "第 3 行" in html
    assert "未写入任何数据" in html
    assert ListEnterprise.objects.count() == 0
    client.post("/air/list/", {"op": "import", "year": 2026, "file": _xlsx([GOOD])})
    assert ListEnterprise.objects.count() == 1
    client.post(
        "/air/list/?year=2026",
        {"op": "totals", "year": 2026, "so2": "100", "nox": "200", "pm": "50", "vocs": "10"},
    )
    assert DistrictEmissions.objects.get(year=2026).so2 == Decimal("100.000")
    checks = client.get("/air/list/?year=2026").context["checks"]
    yellow_so2 = next(c for c in checks if c.response == "III" and c.pollutant == "so2")
    assert yellow_so2.met
    orange_so2 = next(c for c in checks if c.response == "II" and c.pollutant == "so2")
    assert orange_so2.met  # 30 of 100
    red_vocs = next(c for c in checks if c.response == "I" and c.pollutant == "vocs")
    assert red_vocs.met  # 4 of 10
    enterprise = ListEnterprise.objects.get()
    client.post(
        "/air/list/?year=2026",
        {
            "op": "exempt",
            "year": 2026,
            "enterprise": enterprise.pk,
            "clause": "4.4(8)",
            "responses": ["III"],
            "reason": "重点建设项目",
            "approved_by": "晋城市发展改革委",
            "approval_ref": "晋市发改〔2026〕1号",
            "approved_on": "2026-01-01",
            "key_project": "1",
            "approval_level": "市级",
        },
    )
    checks = client.get("/air/list/?year=2026").context["checks"]
    yellow_so2 = next(c for c in checks if c.response == "III" and c.pollutant == "so2")
    assert not yellow_so2.met
    assert yellow_so2.shortfall == Decimal("20.000")
    exported = client.get("/air/list/export.xlsx?year=2026")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet.cell(2, 2).value == "甲化工有限公司"


def test_the_list_is_closed_to_units_and_read_only_for_auditors(client, login, setup, make_user):
    _, _, town, _ = setup
    login(town)
    assert client.get("/air/list/").status_code == 403
    login(make_user("auditor", Role.AUDITOR))
    assert client.get("/air/list/").status_code == 200
    client.post("/air/list/", {"op": "totals", "year": 2026, "so2": "1"})
    assert not DistrictEmissions.objects.exists()


def test_demo_warning_command_publishes_through_the_workflow(setup):
    result = CliRunner().invoke(cli, ["air", "demo-warning", "--level", "red", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["level"] == "red"
    assert len(body["cap"]) == 31


def test_the_api_gives_the_current_warning_without_login(client, setup):
    commander, office, *_ = setup
    assert client.get("/api/v1/air/current").json()["level"] == "none"
    d = _publish(commander, office)
    body = client.get("/api/v1/air/current").json()
    assert body["level"] == "orange"
    assert body["response"] == "II"
    assert body["cap"] == d.cap.identifier


def test_units_cannot_open_episodes_they_took_no_part_in(client, login, setup, make_user):
    commander, office, town, _ = setup
    d = _publish(commander, office)
    login(town)
    assert client.get(f"/air/episode/{d.episode_id}/").status_code == 200
    outsider_unit = Department.objects.create(code="elsewhere", name="外区某单位", kind="other")
    login(make_user("outsider", Role.UNIT, department=outsider_unit))
    assert client.get(f"/air/episode/{d.episode_id}/").status_code == 404
    assert client.get("/air/unit/").context["rows"] == []


def test_the_public_page_gives_hj633_health_advice_for_the_forecast_peak(client, setup):
    commander, office, *_ = setup
    _publish(commander, office, values=(201, 201))
    html = client.get("/air/").content.decode()
    assert "预测日AQI最高 201(重度污染)" in html
    assert "停止户外运动" in html


MICRO_FACTS = {"non_coal": "1", "non_oil": "1", "single_component": "1", "no_toxic_or_odour": "1"}


def _list_with_target_met(year: int = 2026) -> ListEnterprise:
    """A list whose one big enterprise alone meets every 4.3 share (totals 100 t, it cuts 50 t)."""
    from portal.air.models import EnterpriseMeasure

    DistrictEmissions.objects.create(
        year=year, so2=Decimal(100), nox=Decimal(100), pm=Decimal(100), vocs=Decimal(100)
    )
    anchor = ListEnterprise.objects.create(
        year=year,
        name="主力厂",
        credit_code="7" * 18,
        so2=Decimal(60),
        nox=Decimal(60),
        pm=Decimal(60),
        vocs=Decimal(60),
    )
    for response in ("III", "II", "I"):
        EnterpriseMeasure.objects.create(
            enterprise=anchor,
            response=response,
            so2=Decimal(50),
            nox=Decimal(50),
            pm=Decimal(50),
            vocs=Decimal(50),
        )
    return anchor


def test_a_micro_emitter_exemption_needs_at_most_100_kg_a_year(setup):
    _, office, *_ = setup
    from portal.air.reduction_list import exemption_record

    _list_with_target_met()
    big = ListEnterprise.objects.create(
        year=2026, name="大厂", credit_code="9" * 18, so2=Decimal("0.05"), nox=Decimal("0.051")
    )
    small = ListEnterprise.objects.create(
        year=2026, name="小厂", credit_code="8" * 18, so2=Decimal("0.05"), vocs=Decimal("0.05")
    )
    kwargs = {
        "clause": "4.4(7)",
        "responses": ["III", "II", "I"],
        "reason": "微涉气",
        "approved_by": "区指挥部办公室",
        "approval_ref": "记录1",
        "approved_on": date(2026, 1, 1),
        "actor": office,
        "facts": MICRO_FACTS,
    }
    with pytest.raises(DomainError) as err:
        exemption_record(enterprise=big, **kwargs)
    assert "101" in err.value.message
    assert err.value.field == "annual_emissions_kg"
    recorded = exemption_record(enterprise=small, **kwargs)  # exactly 100 kg
    assert recorded.response_set() == {"III", "II", "I"}
    assert recorded.ground == "micro"
    assert Decimal(recorded.facts["annual_emissions_kg"]) == 100
    assert recorded.facts["overall_target_met"] is True


def test_a_micro_emitter_exemption_is_refused_when_the_list_would_miss_the_target(setup):
    _, office, *_ = setup
    from portal.air.models import EnterpriseMeasure
    from portal.air.reduction_list import exemption_record

    DistrictEmissions.objects.create(
        year=2026, so2=Decimal("0.2"), nox=Decimal(1), pm=Decimal(1), vocs=Decimal(1)
    )
    small = ListEnterprise.objects.create(
        year=2026, name="小厂", credit_code="8" * 18, so2=Decimal("0.05")
    )
    EnterpriseMeasure.objects.create(enterprise=small, response="III", so2=Decimal("0.05"))
    kwargs = {
        "clause": "4.4(7)",
        "responses": ["III"],
        "reason": "微涉气",
        "approved_by": "区指挥部办公室",
        "approval_ref": "记录1",
        "approved_on": date(2026, 1, 1),
        "actor": office,
        "facts": MICRO_FACTS,
    }
    with pytest.raises(DomainError) as err:
        exemption_record(enterprise=small, **kwargs)
    assert err.value.field == "overall_target_met"
    assert not small.exemptions.exists()


def test_a_short_warning_exemption_checks_48_and_12_hours_and_the_city_approval(setup):
    _, office, *_ = setup
    from portal.air.reduction_list import exemption_record

    ent = ListEnterprise.objects.create(
        year=2026, name="焦化厂", credit_code="6" * 18, so2=Decimal(5)
    )
    facts = {
        "urgent_issue": "1",
        "warning_hours": "48",
        "implementation_hours": "12",
        "emissions_unstable": "1",
        "written_statement": "1",
    }
    kwargs = {
        "clause": "4.4(5)",
        "responses": ["III"],
        "reason": "工艺原因",
        "approved_by": "市环委办",
        "approval_ref": "市环委办〔2026〕1号",
        "approved_on": date(2026, 1, 1),
        "actor": office,
    }
    for change, field in (
        ({"warning_hours": "48.5"}, "warning_hours"),
        ({"implementation_hours": "11.5"}, "implementation_hours"),
    ):
        with pytest.raises(DomainError) as err:
            exemption_record(enterprise=ent, facts={**facts, **change}, **kwargs)
        assert err.value.field == field
    with pytest.raises(DomainError) as err:
        exemption_record(enterprise=ent, facts=facts, **{**kwargs, "approved_by": "城区政府"})
    assert err.value.field == "approved_by"
    with pytest.raises(DomainError) as err:
        exemption_record(enterprise=ent, facts={**facts, "warning_hours": "abc"}, **kwargs)
    assert err.value.field == "warning_hours"
    assert exemption_record(enterprise=ent, facts=facts, **kwargs).facts["warning_hours"] == "48"


@pytest.mark.parametrize(("grade", "ok"), [("B", True), ("引领性", True), ("C", False)])
def test_a_guarantee_exemption_reads_the_performance_class_from_the_list(setup, grade, ok):
    _, office, *_ = setup
    from portal.air.reduction_list import exemption_record

    ent = ListEnterprise.objects.create(
        year=2026, name="水泥厂", credit_code="5" * 18, performance_class=grade, pm=Decimal(3)
    )
    kwargs = {
        "clause": "4.4(7)",
        "responses": ["III", "II"],
        "reason": "保障类",
        "approved_by": "区指挥部",
        "approval_ref": "记录2",
        "approved_on": date(2026, 1, 1),
        "actor": office,
        "facts": {"ground": "guarantee", "performance_class": "A"},
    }  # the stated class is ignored
    if ok:
        assert exemption_record(enterprise=ent, **kwargs).ground == "guarantee"
    else:
        with pytest.raises(DomainError) as err:
            exemption_record(enterprise=ent, **kwargs)
        assert err.value.field == "performance_class"


def test_the_reduction_page_records_a_key_project_exemption_only_with_city_approval(
    client, login, setup
):
    _, office, *_ = setup
    ent = ListEnterprise.objects.create(
        year=2026, name="重点工程", credit_code="4" * 18, pm=Decimal(2)
    )
    login(office)
    form = {
        "op": "exempt",
        "year": "2026",
        "enterprise": str(ent.pk),
        "clause": "4.4(8)",
        "responses": ["III", "II", "I"],
        "reason": "重点项目",
        "approved_by": "市发改委",
        "approval_ref": "批复1",
        "approved_on": "2026-01-02",
        "key_project": "1",
    }
    page = client.post(
        "/air/list/?year=2026", {**form, "approval_level": "区级"}, follow=True
    ).content.decode()
    assert "不符合 4.4(8) 的豁免条件" in page
    assert not ent.exemptions.exists()
    client.post("/air/list/?year=2026", {**form, "approval_level": "市级"})
    assert ent.exemptions.get().facts["approval_level"] == "市级"


def test_list_cli_imports_all_or_nothing_and_checks(setup, tmp_path):
    bad = list(GOOD)
    bad[5] = "-1"
    path = tmp_path / "list.xlsx"
    path.write_bytes(_xlsx([GOOD, bad]).getvalue())
    result = CliRunner().invoke(cli, ["air", "list-import", str(path), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.output)["errors"][0]["row"] == 3
    assert ListEnterprise.objects.count() == 0
    path.write_bytes(_xlsx([GOOD]).getvalue())
    assert CliRunner().invoke(cli, ["air", "list-import", str(path)]).exit_code == 0
    body = json.loads(
        CliRunner().invoke(cli, ["air", "list-check", "--year", "2026", "--json"]).output
    )
    assert len(body["checks"]) == 12
    assert body["checks"][0]["share_percent"] is None  # no district total yet


def test_the_atom_feed_is_well_formed(client, setup):
    from xml.etree import ElementTree

    commander, office, *_ = setup
    _publish(commander, office)
    root = ElementTree.fromstring(client.get("/air/feed.atom").content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) == 1


def test_after_release_the_unit_files_its_summary_and_the_office_evaluates_on_the_episode_page(
    client, login, setup
):
    commander, office, town, _ = setup
    d = _publish(commander, office)
    release = services.warning_draft(actor=office, forecast={"kind": "daily", "values": [60, 60]})
    services.warning_approve(decision=release, actor=commander)
    services.warning_publish(decision=release, actor=office)
    login(town)
    member = MemberUnit.objects.get(name="北石店镇")
    client.post(
        f"/air/episode/{d.episode_id}/",
        {"op": "summary", "member": member.pk, "text": "停止露天作业"},
    )
    login(office)
    page = client.get(f"/air/episode/{d.episode_id}/")
    html = page.content.decode()
    assert "过程统计" in html
    assert "停止露天作业" in html
    client.post(f"/air/episode/{d.episode_id}/", {"op": "evaluate", "text": "效果良好"})
    assert "效果良好" in client.get(f"/air/episode/{d.episode_id}/").content.decode()
    # The decision page shows duty and acknowledgement tables for the office.
    assert client.get(f"/air/decision/{d.pk}/").status_code == 200
