"""The inbox pages and API: signed-in users only; unread first; mark read, mark all read, filter
by kind; the header badge; subscriptions; nobody reads or marks another user's notice."""

from __future__ import annotations

import copy
import re

import pytest

from portal.notify import selectors
from portal.notify.models import Notification, Receipt
from portal.notify.services import notify

PROCESSOR = "portal.notify.context.unread"


@pytest.fixture
def badge(settings):
    """The header badge needs the context processor in settings (see the report)."""
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    if PROCESSOR not in processors:
        processors.append(PROCESSOR)
    settings.TEMPLATES = templates


def _badge(html: str) -> int:
    found = re.search(r'id="notify-badge"[^>]*>(\d+)<', html)
    return int(found.group(1)) if found else 0


def _order(html: str) -> list[str]:
    return re.findall(r'class="notice-title"[^>]*>(?:<a [^>]*>)?([^<]+)<', html)


@pytest.mark.parametrize("path", ["/notify/", "/notify/subscriptions/"])
def test_pages_need_a_signed_in_user(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_api_needs_a_signed_in_user(client, db):
    assert client.get("/api/v1/notify/unread-count").status_code == 401


def test_the_inbox_shows_unread_first_and_marks_read(login, office, badge):
    old = notify(title="旧通知", users=[office])
    new = notify(title="新通知", users=[office])
    assert old is not None
    assert new is not None
    client = login(office)
    page = client.get("/notify/").content.decode()
    assert _order(page) == ["新通知", "旧通知"]
    assert _badge(page) == 2
    response = client.post(f"/notify/{new.pk}/read/")
    assert response.status_code == 302
    page = client.get("/notify/").content.decode()
    assert _order(page) == ["旧通知", "新通知"]  # the unread one first
    assert _badge(page) == 1
    assert 'id="unread-total">1<' in page


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(login, office):
    notice = notify(title="事件", users=[office], url="/command/incidents/1/")
    assert notice is not None
    response = login(office).post(f"/notify/{notice.pk}/read/", {"open": "1"})
    assert response["Location"] == "/command/incidents/1/"
    assert Receipt.objects.filter(user=office, notification=notice).exists()


def test_mark_all_read_within_a_kind(login, office, badge):
    notify(title="事件通知", users=[office], kind=Notification.Kind.INCIDENT)
    notify(title="预警通知", users=[office], kind=Notification.Kind.AIR)
    client = login(office)
    page = client.get("/notify/?kind=air").content.decode()
    assert _order(page) == ["预警通知"]
    client.post("/notify/read-all/", {"kind": "air"})
    assert [n.title for n in selectors.unread(office)] == ["事件通知"]
    client.post("/notify/read-all/")
    assert selectors.unread_count(office) == 0
    assert _badge(client.get("/notify/").content.decode()) == 0


def test_another_users_notice_cannot_be_read_or_marked(login, office, stranger):
    private = notify(title="仅限值班员", users=[office])
    assert private is not None
    client = login(stranger)
    assert "仅限值班员" not in client.get("/notify/").content.decode()
    assert client.post(f"/notify/{private.pk}/read/").status_code == 404
    assert client.post(f"/api/v1/notify/{private.pk}/read").status_code == 404
    assert client.get("/api/v1/notify/").json()["items"] == []
    assert not Receipt.objects.filter(notification=private).exists()
    assert selectors.unread_count(office) == 1


def test_a_unit_notice_is_read_per_user(login, make_user, forest, office):
    from portal.accounts.roles import Role

    colleague = make_user("colleague", Role.UNIT, department=forest.office_host)
    notice = notify(title="单位通知", units=[forest.office_host])
    assert notice is not None
    login(office).post(f"/notify/{notice.pk}/read/")
    assert selectors.unread_count(office) == 0
    assert selectors.unread_count(colleague) == 1


def test_the_api_lists_counts_and_marks_read(login, office):
    first = notify(title="甲", users=[office])
    notify(title="乙", users=[office], kind=Notification.Kind.CLOCK)
    assert first is not None
    client = login(office)
    assert client.get("/api/v1/notify/unread-count").json() == {"unread": 2}
    body = client.post(f"/api/v1/notify/{first.pk}/read").json()
    assert body["unread"] == 1
    listing = client.get("/api/v1/notify/").json()
    assert [i["title"] for i in listing["items"]] == ["乙", "甲"]
    assert listing["items"][1]["read_at"] is not None
    assert [i["title"] for i in client.get("/api/v1/notify/?kind=clock").json()["items"]] == ["乙"]
    assert client.post("/api/v1/notify/read-all").json() == {"marked": 1, "unread": 0}


def test_subscriptions_are_chosen_on_their_page(login, office):
    client = login(office)
    page = client.get("/notify/subscriptions/").content.decode()
    assert "森林防灭火指挥部" in page
    assert "森林火灾" in page  # the everyday words routed to it
    assert "其他类型突发事件" in page
    client.post("/notify/subscriptions/", {"topic": ["forest_fire", "earthquake"]})
    assert selectors.subscribed_topics(office) == {"forest_fire", "earthquake"}
    client.post("/notify/subscriptions/", {"topic": ["earthquake"]})
    assert selectors.subscribed_topics(office) == {"earthquake"}
    page = client.post("/notify/subscriptions/", {"topic": ["nowhere"]}).content.decode()
    assert "未定义的事件类型" in page
    assert selectors.subscribed_topics(office) == {"earthquake"}
    api = client.get("/api/v1/notify/subscriptions").json()["topics"]
    assert [t["key"] for t in api if t["subscribed"]] == ["earthquake"]


def test_a_unit_user_sees_why_they_cannot_subscribe(login, stranger):
    client = login(stranger)
    page = client.get("/notify/subscriptions/").content.decode()
    assert 'id="subscribe-forbidden"' in page
    page = client.post("/notify/subscriptions/", {"topic": ["forest_fire"]}).content.decode()
    assert "无权订阅" in page
    assert selectors.subscribed_topics(stranger) == set()


def test_the_unread_filter_hides_read_notices(login, office, badge):
    seen = notify(title="已看过", users=[office])
    notify(title="还没看", users=[office])
    assert seen is not None
    client = login(office)
    client.post(f"/notify/{seen.pk}/read/")
    page = client.get("/notify/?unread=1").content.decode()
    assert _order(page) == ["还没看"]
    assert _badge(page) == 1
    # Marking read from the filtered view returns to it.
    response = client.post("/notify/read-all/", {"unread": "1"})
    assert response["Location"] == "/notify/?unread=1"
    assert 'id="inbox-empty"' in client.get("/notify/?unread=1").content.decode()
