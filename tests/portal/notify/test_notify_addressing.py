"""Who a notice reaches: a user, whoever holds a post now, every user of a unit, the subscribers
of an incident type — each once, in the caller's transaction."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from chengqu.common import DomainError
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.notify import selectors
from portal.notify.models import Notification
from portal.notify.selectors import recipients_of
from portal.notify.services import notify, subscriptions_set


def _titles(user) -> list[str]:
    return list(selectors.visible(user).values_list("title", flat=True))


def test_a_notice_to_a_user_reaches_that_user_only(office, stranger):
    notify(title="请回电", users=[office])
    assert _titles(office) == ["请回电"]
    assert _titles(stranger) == []
    assert selectors.unread_count(office) == 1
    assert selectors.unread_count(stranger) == 0


def test_a_notice_to_a_post_follows_the_post_to_its_next_holder(
    make_user, commander_post, hold, stranger
):
    first = make_user("first", Role.COMMANDER)
    second = make_user("second", Role.COMMANDER)
    hold(first, commander_post, date(2025, 1, 1))
    notify(title="森林火灾指挥长须知", positions=[commander_post])
    assert _titles(first) == ["森林火灾指挥长须知"]
    assert _titles(second) == []
    # 成员如有变动,由相应岗位人员自然替补: the next holder inherits the post's inbox.
    hold(second, commander_post, date(2025, 6, 1))
    assert _titles(second) == ["森林火灾指挥长须知"]
    assert _titles(first) == []
    assert _titles(stranger) == []


def test_a_notice_to_a_unit_reaches_every_user_of_the_unit_and_nobody_else(
    make_user, forest, office, stranger
):
    colleague = make_user("colleague", Role.UNIT, department=forest.office_host)
    notice = notify(title="单位通知", units=[forest.office_host])
    assert notice is not None
    assert _titles(office) == _titles(colleague) == ["单位通知"]
    assert _titles(stranger) == []
    assert set(recipients_of(notification=notice)) == {office.pk, colleague.pk}


def test_subscribers_of_an_incident_type_receive_it(make_user, roster):
    fan = make_user("fan", Role.COMMANDER)
    other = make_user("other", Role.COMMANDER)
    subscriptions_set(user=fan, wanted=["forest_fire"])
    subscriptions_set(user=other, wanted=["earthquake"])
    notify(title="森林火灾", subscribers_of=["forest_fire"])
    assert _titles(fan) == ["森林火灾"]
    assert _titles(other) == []


def test_a_user_reached_four_ways_sees_the_notice_once(office, commander_post, hold, forest):
    hold(office, commander_post)
    subscriptions_set(user=office, wanted=["forest_fire"])
    notice = notify(
        title="一次",
        users=[office, office.pk],
        positions=[commander_post],
        units=[forest.office_host_id],
        subscribers_of=["forest_fire"],
    )
    assert notice is not None
    assert _titles(office) == ["一次"]
    assert selectors.unread_count(office) == 1
    assert recipients_of(notification=notice) == [office.pk]


def test_an_unknown_subscription_topic_is_refused_and_nothing_changes(office):
    subscriptions_set(user=office, wanted=["forest_fire"])
    with pytest.raises(DomainError) as caught:
        subscriptions_set(user=office, wanted=["forest_fire", "no_such_hq"])
    assert caught.value.field == "topics"
    assert selectors.subscribed_topics(office) == {"forest_fire"}


def test_a_notice_with_a_key_is_sent_once(office):
    first = notify(title="逾期", users=[office], key="clock:1:x")
    again = notify(title="逾期", users=[office], key="clock:1:x")
    assert first == again
    assert Notification.objects.count() == 1


def test_nobody_addressed_sends_nothing(roster):
    assert notify(title="无人", subscribers_of=["forest_fire"]) is None
    assert Notification.objects.count() == 0


def test_a_notice_needs_a_title(office):
    with pytest.raises(DomainError) as caught:
        notify(title="  ", users=[office])
    assert caught.value.field == "title"


def test_the_notice_is_part_of_the_callers_transaction(office):
    def caller() -> None:
        with transaction.atomic():
            notify(title="回滚", users=[office])
            raise RuntimeError("the caller's work failed")

    with pytest.raises(RuntimeError):
        caller()
    assert Notification.objects.count() == 0
    assert _titles(office) == []


def test_sending_is_audited(office):
    notice = notify(title="审计", users=[office])
    assert notice is not None
    assert AuditEntry.objects.filter(action="notify.send", object_id=str(notice.pk)).exists()


def test_a_unit_user_cannot_subscribe_to_incident_types(stranger, roster):
    # A notice carries an incident's place and description; a unit's users read their unit's only.
    with pytest.raises(DomainError) as caught:
        subscriptions_set(user=stranger, wanted=["forest_fire"])
    assert caught.value.code == "notify.subscribe_forbidden"
    assert selectors.subscribed_topics(stranger) == set()
    assert subscriptions_set(user=stranger, wanted=[]) == set()  # clearing is always allowed


def test_a_subscriber_who_loses_the_role_stops_receiving(make_user, roster):
    from django.contrib.auth.models import Group

    fan = make_user("fan", Role.COMMANDER)
    subscriptions_set(user=fan, wanted=["forest_fire"])
    fan.groups.remove(Group.objects.get(name=Role.COMMANDER.value))
    assert notify(title="森林火灾", subscribers_of=["forest_fire"]) is None
    assert _titles(fan) == []


def test_the_inbox_pages_unread_first_then_read_newest_first_across_page_edges(office):
    from portal.notify.services import mark_read

    sent = [notify(title=f"第{i}条", users=[office]) for i in range(7)]
    for i in (1, 4, 5):
        notice = sent[i]
        assert notice is not None
        mark_read(user=office, notification=notice)
    expected = ["第6条", "第3条", "第2条", "第0条", "第5条", "第4条", "第1条"]
    box = selectors.inbox(office)
    assert box.count() == 7
    for start in range(8):
        for stop in range(start, 9):
            assert [n.title for n in box[start:stop]] == expected[start:stop], (start, stop)
    assert [n.title for n in selectors.inbox(office, unread_only=True)] == expected[:4]
