"""The roster in the database: HQs, posts with holders, seats; loading twice changes nothing."""

from __future__ import annotations

from datetime import date

from chengqu.command import load_roster
from portal.accounts.models import Person, PositionHolding
from portal.accounts.selectors import position_holder
from portal.accounts.services import position_assign
from portal.command.loading import roster_load
from portal.command.models import Headquarters, Post, Seat
from portal.command.selectors import current_roster, hq_seats


def test_loading_puts_the_general_hq_17_specialised_and_3_plan_hqs(roster):
    assert roster > 0
    kinds = list(Headquarters.objects.values_list("kind", flat=True))
    assert kinds.count("general") == 1
    assert kinds.count("special") == 17
    assert kinds.count("plan") == 3
    assert Post.objects.count() == len(load_roster().by_key)


def test_loading_again_changes_nothing(roster):
    assert roster_load() == 0


def test_seats_and_holders_match_the_roster_name_by_name(roster):
    pure = load_roster()
    for hq in pure.hqs:
        row = Headquarters.objects.get(key=hq.key)
        assert row.name == hq.name
        seats = hq_seats(row)
        assert [(s.seat.role, s.seat.post.key) for s in seats] == [
            (str(x.role), x.position) for x in hq.seats
        ]
        assert [s.holder for s in seats] == [pure.holder_of(x.position) for x in hq.seats]
    assert row.office_host.name  # every office has a host unit


def test_the_general_hq_has_9_deputy_chiefs_and_50_members(roster):
    general = Headquarters.objects.get(key="general")
    assert Seat.objects.filter(hq=general, role="副总指挥").count() == 9
    assert Seat.objects.filter(hq=general, role="成员").count() == 50
    chief = Seat.objects.get(hq=general, role="总指挥")
    assert position_holder(position=chief.post.position).name == "范永星"  # type: ignore[union-attr]


def test_positions_without_a_named_holder_have_no_holding(roster):
    post = Post.objects.get(key="区政府分管农业农村工作的副区长")
    assert not PositionHolding.objects.filter(position=post.position).exists()


def test_units_of_the_roster_reuse_the_unit_list(roster):
    # 北石店镇人民政府 in 8号 is the 北石店镇 of units.toml, not a second unit.
    post = next(
        p
        for p in Post.objects.select_related("position__department")
        if p.position.department.name == "北石店镇"
    )
    assert post is not None


def test_a_new_holder_survives_reloading_and_updates_routing(roster):
    post = Post.objects.get(key="区应急管理局局长")
    assert position_holder(position=post.position).name == "姚林云"  # type: ignore[union-attr]
    position_assign(
        position=post.position, person=Person.objects.create(name="李新任"), start=date(2025, 1, 2)
    )
    assert roster_load() == 0
    assert position_holder(position=post.position).name == "李新任"  # type: ignore[union-attr]
    assert current_roster().holder_of("区应急管理局局长") == "李新任"
    assert (
        load_roster().holder_of("区应急管理局局长") == "姚林云"
    )  # the shipped roster is unchanged


def test_no_page_shows_the_internal_n_suffix_of_shared_titles(roster):
    assert not Seat.objects.filter(as_written__contains="#").exists()
    assert not Post.objects.filter(title__contains="#").exists()
