"""The 24-hour duty roster, clause links of the command pages and the clauses the module executes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from chengqu.common import DomainError
from portal.accounts.roles import Role
from portal.command import services
from portal.command.models import DutyShift
from portal.command.templatetags.command_tags import clause_eid
from portal.gazette.links import implementations_for


def test_a_day_without_a_shift_shows_as_a_gap_and_the_office_fills_it(roster, office, login):
    client = login(office)
    page = client.get("/command/duties/").content.decode()
    assert page.count("未排班") == 7
    today = timezone.localdate()
    response = client.post(
        "/command/duties/",
        {
            "shift": "1",
            "day": today.isoformat(),
            "leader": "冯晓伟",
            "leader_post": "区委常委、常务副区长",
            "officer": "值班员甲",
            "phone": "0356-1234567",
        },
    )
    assert response.status_code == 302
    page = client.get("/command/duties/").content.decode()
    assert page.count("未排班") == 6
    assert "冯晓伟(区委常委、常务副区长)" in page


def test_a_shift_needs_a_leader_on_duty(roster, office):
    with pytest.raises(DomainError) as caught:
        services.shift_set(
            day=timezone.localdate(), leader="", officer="甲", phone="1", actor=office
        )
    assert caught.value.field == "leader"
    assert not DutyShift.objects.exists()


def test_changing_a_shift_keeps_one_row_per_day(roster, office):
    day = timezone.localdate() + timedelta(days=1)
    services.shift_set(day=day, leader="甲", officer="乙", phone="1", actor=office)
    services.shift_set(day=day, leader="丙", officer="乙", phone="1", actor=office)
    assert DutyShift.objects.get().leader == "丙"


def test_unit_users_cannot_put_anyone_on_duty(roster, make_user, login, town):
    client = login(make_user("t", Role.UNIT, department=town))
    response = client.post(
        "/command/duties/",
        {
            "shift": "1",
            "day": timezone.localdate().isoformat(),
            "leader": "x",
            "officer": "y",
            "phone": "1",
        },
    )
    assert response.status_code == 403
    assert not DutyShift.objects.exists()


@pytest.mark.parametrize(
    ("clause", "eid"),
    [
        ("一", "para_1"),
        ("二(二)1", "para_2__subpara_2__item_1"),
        ("二(十七)", "para_2__subpara_17"),
        ("(二十九)", "*__subpara_29"),
        ("4.1", None),
        ("", None),
    ],
)
def test_printed_clause_labels_become_registry_eids(clause, eid):
    assert clause_eid(clause) == eid


def test_the_module_declares_the_clauses_it_executes():
    labels = [i.label for i in implementations_for("城政办发〔2024〕8号")]
    assert "应急指挥 · 指挥体系" in labels
    assert sum(label.endswith("指挥部") for label in labels) >= 17
    assert implementations_for("城政发〔2024〕5号")


def test_the_plan_registry_lists_the_three_plans_and_a_placeholder_per_hq(roster, office, login):
    page = login(office).get("/command/duties/").content.decode()
    registry = page.split('id="plans"', 1)[1].split("</table>", 1)[0]
    assert "晋城市主城区集中式饮用水水源地突发环境事件应急指挥部" in registry
    assert "water_revision: 2027-03-15" in registry  # 3 years from the plan's date (7号 9.2)
    assert registry.count("待录入") == 17
