"""`chengqu notify sweep` tells overdue clocks once; `chengqu notify send` reaches a unit."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner
from django.utils import timezone

from chengqu.common import DomainError
from portal.command.services import incident_register
from portal.notify import selectors
from portal.notify.cli import group


def test_sweep_tells_each_overdue_clock_once(make_user, roster):
    from portal.accounts.models import Department
    from portal.accounts.roles import Role

    office = make_user("env", Role.HQ_OFFICE, department=Department.objects.get(code="sthjfj"))
    incident_register(
        actor=office,
        incident_type="饮用水水源地突发环境事件",
        place="郭壁水源地",
        occurred_at=timezone.now() - timedelta(minutes=45),
    )
    runner = CliRunner()
    first = runner.invoke(group, ["sweep", "--json"])
    assert first.exit_code == 0, first.output
    sent = json.loads(first.output)["sent"]
    assert any("初报(电话)" in s["title"] for s in sent)
    assert selectors.unread(office).filter(kind="clock").count() == len(sent)
    again = runner.invoke(group, ["sweep", "--json"])
    assert json.loads(again.output)["sent"] == []


def test_send_reaches_every_user_of_a_unit(office, stranger, forest):
    result = CliRunner().invoke(group, ["send", "值班提醒", "--unit", forest.office_host.code])
    assert result.exit_code == 0, result.output
    assert [n.title for n in selectors.visible(office)] == ["值班提醒"]
    assert selectors.unread_count(stranger) == 0


def test_send_to_an_unknown_unit_is_refused(roster):
    result = CliRunner().invoke(group, ["send", "x", "--unit", "nowhere"])
    assert isinstance(result.exception, DomainError)
    assert "nowhere" in result.exception.message
