"""The modules tell the right people: an incident registered reaches its HQ's office host unit,
its commanders' posts and the subscribers of its type; an overdue reporting clock reaches the HQ;
a published heavy-pollution warning reaches every member unit."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from chengqu.common import DomainError
from portal.accounts.models import Department
from portal.accounts.roles import Role
from portal.command import services as command
from portal.command.models import Incident
from portal.notify import selectors
from portal.notify.models import Notification
from portal.notify.services import subscriptions_set
from portal.notify.topics import run_sweeps


def _titles(user) -> list[str]:
    return list(selectors.visible(user).values_list("title", flat=True))


@pytest.fixture
def people(make_user, forest, office, commander_post, hold, stranger):
    commander = make_user("commander", Role.COMMANDER)
    hold(commander, commander_post)
    fan = make_user("fan", Role.HQ_OFFICE)
    subscriptions_set(user=fan, wanted=["forest_fire"])
    quake_fan = make_user("quake", Role.HQ_OFFICE)
    subscriptions_set(user=quake_fan, wanted=["earthquake"])
    return SimpleNamespace(
        office=office, commander=commander, fan=fan, quake_fan=quake_fan, stranger=stranger
    )


def _register(actor, incident_type: str, *, minutes_ago: int = 10) -> Incident:
    return command.incident_register(
        actor=actor,
        incident_type=incident_type,
        place="北石店镇北山",
        occurred_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_a_registered_incident_reaches_its_hq_office_commanders_and_subscribers(people):
    incident = _register(people.office, "北山森林火灾")
    assert incident.hq is not None
    assert incident.hq.key == "forest_fire"
    for user in (people.office, people.commander, people.fan):
        assert len(_titles(user)) == 1, user
        assert "北山森林火灾" in _titles(user)[0]
    assert _titles(people.quake_fan) == []
    assert _titles(people.stranger) == []
    notice = Notification.objects.get()
    assert notice.kind == Notification.Kind.INCIDENT
    assert notice.url == f"/command/incidents/{incident.pk}/"
    assert "森林防灭火指挥部" in notice.body


def test_a_refused_registration_tells_nobody(people):
    with pytest.raises(DomainError):
        command.incident_register(
            actor=people.office, incident_type="森林火灾", place="", occurred_at=timezone.now()
        )
    assert Notification.objects.count() == 0


def test_an_unclear_type_goes_to_the_general_office_and_the_chosen_hq_is_told_once(people):
    incident = _register(people.office, "火灾")
    assert incident.hq is None
    # 区应急管理局 hosts the general HQ's office: the duty officer is told a choice is needed.
    assert any("待确定牵头指挥部" in t for t in _titles(people.office))
    assert len(_titles(people.fan)) == 1  # a candidate HQ's subscriber hears of it too
    assert _titles(people.commander) == []
    command.incident_route_choose(incident=incident, hq_key="forest_fire", actor=people.office)
    assert any("森林防灭火指挥部牵头" in t for t in _titles(people.commander))
    before = Notification.objects.count()
    command.incident_route_choose(incident=incident, hq_key="forest_fire", actor=people.office)
    assert Notification.objects.count() == before


def test_an_overdue_clock_is_told_once_to_the_hq(make_user, roster):
    env_office = make_user("env", Role.HQ_OFFICE, department=Department.objects.get(code="sthjfj"))
    incident = _register(env_office, "饮用水水源地突发环境事件", minutes_ago=45)
    assert incident.plan == "plan_water_source"
    before = Notification.objects.filter(kind=Notification.Kind.CLOCK).count()
    sent = run_sweeps()
    assert sent, "the 30-minute clocks passed 15 minutes ago"
    assert Notification.objects.filter(kind=Notification.Kind.CLOCK).count() == before + len(sent)
    assert all(n.title.startswith("报告已逾期") for n in sent)
    assert set(selectors.unread(env_office).filter(kind="clock").values_list("pk", flat=True)) == {
        n.pk for n in sent
    }
    assert run_sweeps() == []  # once per clock


def test_the_sweep_tells_exactly_the_clocks_the_timeline_shows_overdue(make_user, roster):
    from portal.command.selectors import clock_rows

    env_office = make_user("env", Role.HQ_OFFICE, department=Department.objects.get(code="sthjfj"))
    incident = _register(env_office, "饮用水水源地突发环境事件", minutes_ago=5)
    overdue = {row.deadline.report for row in clock_rows(incident) if row.overdue}
    sent = run_sweeps()
    told = {n.title.split(": ", 1)[1].split(" — ")[0] for n in sent}
    assert told == overdue
    assert "初报(电话)" not in told  # 30 minutes from the occurrence: not yet due


def test_a_published_air_warning_reaches_every_member_unit(db, make_user):
    from portal.accounts.models import Person
    from portal.accounts.services import position_assign
    from portal.air import services as air
    from portal.air.loading import load_hq_posts, load_member_units
    from portal.air.models import HqPost
    from portal.core.loading import load_units

    load_units()
    load_member_units()
    load_hq_posts()
    deputy = make_user("deputy", Role.COMMANDER)
    post = HqPost.objects.get(position__name="区生态环境分局主要负责人")
    position_assign(
        position=post.position,
        person=Person.objects.create(name="deputy", user=deputy),
        start=date(2024, 1, 1),
    )
    office = make_user("office", Role.HQ_OFFICE, department=Department.objects.get(code="sthjfj"))
    town_user = make_user("town", Role.UNIT, department=Department.objects.get(code="bsdz"))
    outsider = make_user("outsider", Role.COMMANDER)
    decision = air.warning_draft(actor=office, forecast={"kind": "daily", "values": [201, 90]})
    air.warning_approve(decision=decision, actor=deputy)
    air.warning_publish(decision=decision, actor=office)
    titles = _titles(town_user)
    assert len(titles) == 1
    assert "黄色预警" in titles[0]
    assert _titles(outsider) == []
    notice = Notification.objects.get(kind=Notification.Kind.AIR)
    assert "2小时" in notice.body
