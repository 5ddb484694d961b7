"""Automatic escalation of overdue items: the daily command, its idempotence, the timeline, the
audit log and the notices to those the rule table names."""

from __future__ import annotations

import json
from datetime import date, timedelta

from click.testing import CliRunner

from chengqu.common import DomainError
from portal.audit.models import AuditEntry
from portal.notify.models import Notification
from portal.supervision.models import LoopItem
from portal.supervision.services import escalate_overdue, loop_act


def _task(world, number: str, due: date) -> LoopItem:
    item = world.task(number)
    LoopItem.objects.filter(pk=item.pk).update(due=due)
    item.refresh_from_db()
    return item


def test_levels_follow_days_overdue_and_a_second_run_changes_nothing(world) -> None:
    from portal.accounts.models import Department

    Department.objects.get_or_create(
        name="晋城市城区人民政府办公室",
        defaults={"code": "gov-office", "short_name": "区政府办", "kind": "government"},
    )
    day = date(2024, 7, 1)
    LoopItem.objects.filter(kind="task").update(
        due=date(2099, 12, 31)
    )  # only the three below are late
    one = _task(world, "二、(二)1", day - timedelta(days=1))
    two = _task(world, "二、(二)2", day - timedelta(days=15))
    three = _task(world, "二、(二)3", day - timedelta(days=45))
    done = escalate_overdue(kind="task", today=day)
    assert {(e.item_id, e.to_level) for e in done} == {(one.pk, 1), (two.pk, 2), (three.pk, 3)}
    for item, level in ((one, 1), (two, 2), (three, 3)):
        item.refresh_from_db()
        assert item.escalation == level
    assert escalate_overdue(kind="task", today=day) == []  # idempotent
    assert three.events.filter(action="escalate").count() == 1
    event = three.events.get(action="escalate")
    assert event.actor is None
    assert "逾期45天,自动升级为区政府通报批评" in event.text
    assert "告知责任单位、区政府督查室、区政府办" in event.text
    assert AuditEntry.objects.filter(action="supervision.item.auto_escalate").count() == 3
    notice = Notification.objects.get(key=f"supervision.escalate.{three.pk}.3")
    targets = set(notice.addresses.values_list("department__name", flat=True))
    assert {"区财政局", "晋城市城区人民政府办公室"} <= targets
    assert notice.addresses.filter(user=world.inspector).exists()
    # the next day nothing new; fifteen days on, the first climbs one level, once
    assert escalate_overdue(kind="task", today=day + timedelta(days=1)) == []
    later = escalate_overdue(kind="task", today=day + timedelta(days=14))
    assert [(e.item_id, e.from_level, e.to_level) for e in later] == [(one.pk, 1, 2)]


def test_submitted_closed_and_hand_raised_items_are_left_alone(world) -> None:
    day = date(2024, 7, 1)
    LoopItem.objects.filter(kind="task").update(due=date(2099, 12, 31))
    submitted = _task(world, "二、(二)1", date(2024, 6, 1))
    loop_act(
        actor=world.finance_user,
        item=submitted,
        action="submit",
        evidence="材料",
        on=date(2024, 5, 1),
    )
    raised = _task(world, "二、(二)2", day - timedelta(days=2))
    LoopItem.objects.filter(pk=raised.pk).update(escalation=3)  # raised by hand to the top
    assert escalate_overdue(kind="task", today=day) == []
    raised.refresh_from_db()
    assert raised.escalation == 3


def test_item_timeline_shows_the_automatic_step(login, world) -> None:
    item = _task(world, "二、(二)4", date(2024, 6, 1))
    escalate_overdue(kind="task", today=date(2024, 6, 5))
    page = login(world.finance_user).get(f"/supervision/item/{item.pk}/").content.decode()
    assert "升级督办" in page
    assert "系统" in page
    assert "逾期4天,自动升级为督查室督办" in page


def test_cli_escalates_tasks_and_hazards_separately(world) -> None:
    from portal.cli import cli as main

    LoopItem.objects.filter(kind="task").update(due=date(2099, 12, 31))
    late = _task(world, "二、(二)1", date(2024, 6, 1))
    runner = CliRunner()
    result = runner.invoke(main, ["hazards", "escalate", "--date", "2024-07-01", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []  # no hazards
    result = runner.invoke(main, ["tasks", "escalate", "--date", "2024-07-01", "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert (row["id"], row["to_level"], row["days_overdue"]) == (late.pk, 3, 30)
    again = runner.invoke(main, ["tasks", "escalate", "--date", "2024-07-01", "--json"])
    assert json.loads(again.output) == []
    bad = runner.invoke(main, ["tasks", "escalate", "--date", "2024-13-01"])
    assert bad.exit_code != 0
    assert isinstance(bad.exception, DomainError)
    assert "日期格式" in bad.exception.message
