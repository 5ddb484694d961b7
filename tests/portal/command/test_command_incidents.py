"""Incidents: register and route, reporting clocks with time remaining and overdue, reports filed
late or incomplete, levels and termination, who may see and change what."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from chengqu.common import DomainError
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.command import services
from portal.command.models import Event, Incident, Report
from portal.command.selectors import clock_rows, overdue_count

WATER = "饮用水水源地突发环境事件"
ANIMAL = "突发重大动物疫情"


def test_registering_routes_the_incident_and_opens_its_timeline(register):
    incident = register("北山森林火灾")
    assert incident.hq is not None
    assert incident.hq.key == "forest_fire"
    kinds = list(incident.events.values_list("kind", flat=True))
    assert kinds[:2] == ["registered", "routed"]
    assert AuditEntry.objects.filter(
        action="command.incident.register", object_id=str(incident.pk)
    ).exists()
    # No clock for forest fires in the gazette: the incident says so instead of inventing one.
    assert incident.plan == ""
    assert incident.events.filter(kind="note", text__contains="公报未规定").exists()


def test_an_unclear_word_leaves_the_choice_to_the_duty_officer(register, office):
    incident = register("火灾")
    assert incident.hq is None
    assert "forest_fire" in incident.candidates
    services.incident_route_choose(incident=incident, hq_key="forest_fire", actor=office)
    incident.refresh_from_db()
    assert incident.hq.key == "forest_fire"  # type: ignore[union-attr]


def test_an_unknown_type_goes_to_the_general_hq(register):
    assert register("陨石坠落").hq.key == "general"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("incident_type", {"incident_type": " "}),
        ("occurred_at", {"occurred_at": None}),
        ("place", {"place": ""}),
    ],
)
def test_an_incident_without_type_time_or_place_is_refused(roster, office, field, values):
    base = {"incident_type": "地震", "occurred_at": timezone.now(), "place": "城区"}
    with pytest.raises(DomainError) as caught:
        services.incident_register(actor=office, **{**base, **values})  # type: ignore[arg-type]
    assert caught.value.field == field
    assert Incident.objects.count() == 0


def test_water_clocks_run_from_the_occurrence_and_overdue_is_computed(register):
    incident = register(WATER, minutes_ago=45)
    assert incident.plan == "plan_water_source"
    rows = {r.deadline.key: r for r in clock_rows(incident)}
    phone = rows["water.initial_phone"]
    assert phone.deadline.due == timezone.localtime(incident.occurred_at) + timedelta(minutes=30)
    assert phone.overdue  # 45 minutes have passed, nothing filed
    assert phone.remaining_text.startswith("已超过15分钟")
    written = rows["water.initial_written"]
    assert not written.overdue
    assert written.remaining_text.startswith("剩余")
    assert rows["water.final"].deadline.due is None  # handling has not ended yet
    # Overdue is computed against the clock, never stored: later it is more overdue.
    later = timezone.now() + timedelta(hours=2)
    assert overdue_count(incident, now=later) > overdue_count(incident)


def _full(report_items):
    return dict.fromkeys(report_items, "已查明")


def test_a_report_missing_required_content_cannot_be_filed_as_complete(register, office):
    incident = register(WATER, minutes_ago=5)
    draft = services.report_save(
        incident=incident, actor=office, clock="water.initial_phone", content={"类型": "化学品泄漏"}
    )
    with pytest.raises(DomainError) as caught:
        services.report_file(report=draft, actor=office)
    assert "初步原因" in caught.value.message
    draft.refresh_from_db()
    assert draft.status == Report.Status.DRAFT
    assert draft.content == {"类型": "化学品泄漏"}  # nothing lost
    filed = services.report_file(report=draft, actor=office, partial=True)
    assert filed.status == Report.Status.FILED
    assert not filed.complete


def test_a_report_filed_after_its_clock_is_accepted_and_marked_late(register, office):
    incident = register(WATER, minutes_ago=40)
    rows = {r.deadline.key: r for r in clock_rows(incident)}
    items = rows["water.initial_phone"].deadline.required_content
    draft = services.report_save(
        incident=incident, actor=office, clock="water.initial_phone", content=_full(items)
    )
    filed = services.report_file(report=draft, actor=office)
    assert filed.late
    assert filed.complete
    assert filed.filed_by == office
    assert filed.due_at == rows["water.initial_phone"].deadline.due
    assert incident.events.filter(kind="report", text__contains="逾期").exists()
    row = {r.deadline.key: r for r in clock_rows(incident)}["water.initial_phone"]
    assert row.filed == filed
    assert not row.overdue


def test_a_report_exactly_at_the_limit_is_on_time(register, office):
    incident = register(WATER, minutes_ago=20)
    due = timezone.localtime(incident.occurred_at) + timedelta(minutes=30)
    items = {r.deadline.key: r for r in clock_rows(incident)}[
        "water.initial_phone"
    ].deadline.required_content
    draft = services.report_save(
        incident=incident, actor=office, clock="water.initial_phone", content=_full(items)
    )
    assert not services.report_file(report=draft, actor=office, at=due).late


def test_the_final_report_clock_starts_when_handling_ended_and_cannot_go_backwards(
    register, office
):
    incident = register(WATER, minutes_ago=90)
    with pytest.raises(DomainError):
        services.incident_anchor_set(
            incident=incident,
            anchor="handling_ended",
            at=incident.occurred_at - timedelta(minutes=1),
            actor=office,
        )
    ended = timezone.now() - timedelta(minutes=5)
    services.incident_anchor_set(incident=incident, anchor="handling_ended", at=ended, actor=office)
    row = {r.deadline.key: r for r in clock_rows(incident)}["water.final"]
    assert row.deadline.due is not None


def test_animal_office_clock_runs_from_receipt(register, office):
    incident = register(ANIMAL, minutes_ago=60)
    received = timezone.now() - timedelta(minutes=10)
    services.incident_anchor_set(
        incident=incident, anchor="office_received", at=received, actor=office
    )
    row = {r.deadline.key: r for r in clock_rows(incident)}["animal.office_report"]
    assert row.deadline.due == timezone.localtime(received).replace(
        microsecond=received.microsecond
    ) + timedelta(minutes=30)
    assert not row.overdue


def test_water_levels_and_termination_follow_the_plan(register, office):
    incident = register(WATER, minutes_ago=30)
    services.incident_water_classify(
        incident=incident, entered_zone=None, impact=None, in_area=True, actor=office
    )
    incident.refresh_from_db()
    assert incident.level == "Ⅰ"
    assert incident.events.filter(kind="level", text__contains="请求启动Ⅰ级响应").exists()
    with pytest.raises(DomainError) as caught:
        services.incident_terminate(
            incident=incident, actor=office, ordered_by=incident.started_by, met=[1, 2, 3]
        )
    assert caught.value.code == "command.termination_conditions"
    with pytest.raises(DomainError) as caught:
        services.incident_terminate(
            incident=incident, actor=office, ordered_by="别的机构", met=[1, 2, 3, 4]
        )
    assert caught.value.code == "command.termination_order"  # 谁启动、谁终止
    services.incident_terminate(
        incident=incident, actor=office, ordered_by=incident.started_by, met=[1, 2, 3, 4]
    )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED


def test_a_report_on_a_closed_incident_is_refused(register, office):
    incident = register("地震")
    services.incident_terminate(incident=incident, actor=office, ordered_by="抗震救灾指挥部")
    with pytest.raises(DomainError) as caught:
        services.report_save(incident=incident, actor=office, title="续报", text="……")
    assert caught.value.code == "command.incident_closed"


def test_animal_response_ends_only_after_one_incubation_period(register, office):
    incident = register(ANIMAL)
    services.incident_animal_declare(incident=incident, level="Ⅲ", actor=office)
    incident.refresh_from_db()
    assert incident.level == "Ⅲ"
    assert incident.started_by
    with pytest.raises(DomainError) as caught:
        services.incident_terminate(
            incident=incident,
            actor=office,
            ordered_by="x",
            last_case=date(2026, 1, 1),
            disease="口蹄疫",
            today=date(2026, 1, 15),
        )
    assert "2026-01-16" in caught.value.message
    services.incident_terminate(
        incident=incident,
        actor=office,
        ordered_by="x",
        last_case=date(2026, 1, 1),
        disease="口蹄疫",
        today=date(2026, 1, 16),
    )


# ------------------------------------------------------------------ pages and access


def test_the_incident_page_shows_deadlines_time_remaining_and_the_timeline(register, office, login):
    incident = register(WATER, minutes_ago=45)
    page = login(office).get(f"/command/incidents/{incident.pk}/").content.decode()
    assert "初报(电话)" in page
    assert "逾期 · 已超过" in page
    assert "剩余" in page
    assert "城政办发〔2024〕7号" in page
    assert 'id="timeline"' in page
    assert "登记事件" in page


def test_registering_through_the_page(roster, office, login):
    client = login(office)
    response = client.post(
        "/command/incidents/new/",
        {
            "incident_type": "道路交通事故",
            "occurred_at": "2026-01-05T08:30",
            "place": "泽州路",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.hq.key == "traffic"  # type: ignore[union-attr]
    assert timezone.localtime(incident.occurred_at).hour == 8  # read as Asia/Shanghai
    bad = client.post(
        "/command/incidents/new/", {"incident_type": "地震", "occurred_at": "", "place": "城区"}
    )
    assert "请填写事发时间" in bad.content.decode()
    assert Incident.objects.count() == 1


def test_filing_a_report_through_the_page_and_autosave(register, office, login):
    incident = register(WATER, minutes_ago=5)
    client = login(office)
    url = f"/command/incidents/{incident.pk}/report/?clock=water.initial_phone"
    form = client.get(url).content.decode()
    assert "初步原因" in form
    saved = client.post(
        f"/command/incidents/{incident.pk}/report/",
        {"clock": "water.initial_phone", "item:类型": "泄漏"},
        HTTP_X_AUTOSAVE="1",
    )
    assert saved.json()["saved"] is True
    report = Report.objects.get()
    assert report.content == {"类型": "泄漏"}
    assert report.status == "draft"
    refused = client.post(
        f"/command/incidents/{incident.pk}/report/{report.pk}/", {"item:类型": "泄漏", "file": "1"}
    )
    assert "报告缺少规定内容" in refused.content.decode()
    report.refresh_from_db()
    assert report.status == "draft"


def test_unit_users_see_only_their_units_incidents(register, make_user, login, town, other_town):
    mine = register("地震", department=town)
    theirs = register("地震", department=other_town)
    client = login(make_user("town-user", Role.UNIT, department=town))
    listing = client.get("/command/incidents/").content.decode()
    assert f"/command/incidents/{mine.pk}/" in listing
    assert f"/command/incidents/{theirs.pk}/" not in listing
    assert client.get(f"/command/incidents/{mine.pk}/").status_code == 200
    assert client.get(f"/command/incidents/{theirs.pk}/").status_code == 403
    assert client.get("/command/incidents/999999/").status_code == 404
    # and they cannot write
    assert client.get("/command/incidents/new/").status_code == 403
    assert (
        client.post(f"/command/incidents/{mine.pk}/terminate/", {"ordered_by": "x"}).status_code
        == 403
    )


def test_auditors_read_everything_and_change_nothing(register, make_user, login, other_town):
    incident = register("地震", department=other_town)
    auditor = make_user("aud", Role.AUDITOR)
    client = login(auditor)
    assert client.get(f"/command/incidents/{incident.pk}/").status_code == 200
    assert (
        client.post(f"/command/incidents/{incident.pk}/terminate/", {"ordered_by": "x"}).status_code
        == 403
    )
    with pytest.raises(DomainError):
        services.incident_terminate(incident=incident, actor=auditor, ordered_by="x")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN


def test_users_without_a_command_role_see_no_incidents(register, make_user, login):
    register("地震")
    client = login(make_user("bank", Role.BANK))
    assert client.get("/command/incidents/").status_code == 403


def test_the_duties_page_shows_due_and_overdue_and_records_a_drill(roster, office, login):
    client = login(office)
    page = client.get("/command/duties/").content.decode()
    assert "下次到期" in page
    response = client.post(
        "/command/duties/",
        {"duty": _first_calendar_duty(), "done_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="command.duty.record").exists()


def _first_calendar_duty() -> str:
    from chengqu.command.duties import Every, duties

    return next(d.key for d in duties() if d.every is Every.CALENDAR_YEAR)


def test_every_write_leaves_an_audit_entry_and_a_timeline_line(register, office):
    incident = register(WATER, minutes_ago=5)
    before = Event.objects.filter(incident=incident).count()
    services.incident_anchor_set(
        incident=incident,
        anchor="facts_established",
        at=datetime.now(tz=timezone.get_current_timezone()) - timedelta(minutes=1),
        actor=office,
    )
    assert Event.objects.filter(incident=incident).count() == before + 1
    assert AuditEntry.objects.filter(action="command.incident.anchor").exists()


def test_the_animal_incident_page_lists_zones_and_who_declares_each_level(register, office, login):
    incident = register(ANIMAL)
    page = login(office).get(f"/command/incidents/{incident.pk}/").content.decode()
    assert "受威胁区" in page
    assert "由" in page
    assert "公报未刊载" in page  # 附件4's conditions are not in the gazette
