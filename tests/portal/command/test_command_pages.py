"""The organisation chart, HQ and post pages, routing page; a new holder shows on every HQ."""

from __future__ import annotations

from datetime import date

from portal.accounts.models import Person
from portal.accounts.roles import Role
from portal.accounts.services import position_assign
from portal.command.models import Headquarters, Post, Seat


def test_the_chart_shows_the_general_hq_17_specialised_and_the_plan_hqs(roster, make_user, login):
    client = login(make_user("u", Role.UNIT))
    page = client.get("/command/").content.decode()
    assert "区应急救援总指挥部" in page
    assert 'id="special-count">17<' in page
    for hq in Headquarters.objects.all():
        assert hq.name in page
    assert "范永星(区长)" in page  # the general HQ's 总指挥
    assert "区突发重大动物疫情指挥部" in page


def test_pages_need_a_login(roster, client):
    response = client.get("/command/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_hq_page_lists_its_people_office_and_duties_with_clauses(roster, make_user, login):
    client = login(make_user("u", Role.UNIT))
    page = client.get("/command/hq/forest_fire/").content.decode()
    assert "森林防灭火指挥部" in page
    assert "姚林云" in page
    assert "城政办发〔2024〕8号 二(二)1" in page  # the composition clause, as printed
    assert "城政办发〔2024〕8号 二(二)2" in page  # duties
    assert "区应急管理局" in page
    assert client.get("/command/hq/nope/").status_code == 404


def test_giving_a_post_to_someone_else_updates_every_hq_page(roster, make_user, login):
    client = login(make_user("u", Role.UNIT))
    post = Post.objects.get(key="区应急管理局局长")
    hqs = list(Headquarters.objects.filter(seats__post=post).distinct())
    assert len(hqs) >= 10  # 姚林云 sits in most HQs through this one post
    position_assign(
        position=post.position, person=Person.objects.create(name="王新岗"), start=date(2025, 6, 1)
    )
    for hq in hqs:
        page = client.get(f"/command/hq/{hq.key}/").content.decode()
        assert "王新岗" in page, hq.key
        people = page.split('<table class="people">', 1)[1].split("</table>", 1)[0]
        assert "王新岗" in people, hq.key
        assert "姚林云" not in people, hq.key
    position_page = client.get(f"/command/post/{post.pk}/").content.decode()
    assert "王新岗" in position_page
    assert position_page.count("/command/hq/") >= len(hqs)


def test_the_office_reassigns_a_post_through_its_page(roster, make_user, login):
    post = Post.objects.get(key="区应急管理局局长")
    client = login(make_user("duty", Role.HQ_OFFICE))
    response = client.post(f"/command/post/{post.pk}/", {"name": "赵 接任", "start": "2025-07-01"})
    assert response.status_code == 302
    page = client.get("/command/hq/earthquake/").content.decode()
    assert "赵接任" in page


def test_a_unit_user_or_auditor_cannot_reassign_a_post(roster, make_user, login):
    post = Post.objects.get(key="区应急管理局局长")
    for user in (make_user("u", Role.UNIT), make_user("a", Role.AUDITOR)):
        client = login(user)
        client.post(f"/command/post/{post.pk}/", {"name": "冒名", "start": "2025-07-01"})
        page = client.get(f"/command/post/{post.pk}/").content.decode()
        assert "冒名" not in page
        assert 'name="name"' not in page  # no form for them


def test_the_post_page_lists_every_seat_it_holds(roster, make_user, login):
    client = login(make_user("u", Role.UNIT))
    post = Post.objects.get(key="区应急管理局局长")
    page = client.get(f"/command/post/{post.pk}/").content.decode()
    for seat in Seat.objects.filter(post=post).select_related("hq"):
        assert seat.hq.name in page


def test_the_route_page_names_the_hq_commanders_and_who_to_tell(roster, make_user, login):
    client = login(make_user("u", Role.UNIT))
    page = client.get("/command/route/", {"q": "北山森林火灾", "grade": "较大"}).content.decode()
    assert "森林防灭火指挥部" in page
    assert "须通报" in page
    assert "先期处置" in page
    ambiguous = client.get("/command/route/", {"q": "火灾"}).content.decode()
    assert "无法确定唯一的牵头指挥部" in ambiguous
    unknown = client.get("/command/route/", {"q": "外星来客"}).content.decode()
    assert "区应急救援总指挥部" in unknown
