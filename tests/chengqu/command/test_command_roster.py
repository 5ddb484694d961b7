"""The roster against 城政办发〔2024〕8号: HQs, names, positions, the reconstructed member table."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from chengqu.command.roster import Kind, Role, Seat, load_roster
from chengqu.common import DomainError
from chengqu.data import read_gazette_issue

ROSTER = load_roster()
GAZETTE = read_gazette_issue("gazette-2024-1.txt").split("\n")

# 8号, name by name: (key, name, commanders, deputies, office host, office directors) as holder names.
SPECIAL = [
    (
        "earthquake",
        "抗震救灾指挥部",
        ["冯晓伟"],
        ["王孟", "郭海峰", "姚林云", "赵慧琴", "杨顺龙", "李双寅"],
        "区应急管理局",
        ["姚林云", "王孟"],
    ),
    (
        "forest_fire",
        "森林防灭火指挥部",
        ["冯晓伟", "张海忠"],
        ["田会锋", "郭海峰", "姚林云", "赵慧琴", "杨顺龙", "李双寅"],
        "区应急管理局",
        ["姚林云", "郭海峰"],
    ),
    (
        "flood_drought",
        "防汛抗旱指挥部",
        ["冯晓伟", "刘小虎"],
        ["刘杰", "郭海峰", "杨珂", "尹风义", "姚林云", "赵慧琴", "杨顺龙", "李双寅"],
        "区应急管理局",
        ["姚林云", "尹风义"],
    ),
    (
        "geological",
        "地质灾害应急指挥部",
        ["冯晓伟", "张海忠"],
        ["郭海峰", "姚林云", "赵慧琴", "杨顺龙", "李双寅"],
        "区应急管理局",
        ["姚林云", "郭海峰"],
    ),
    (
        "meteorological",
        "气象灾害应急指挥部",
        ["刘小虎"],
        ["刘杰", "姚林云", "赵慧琴", "杨顺龙", "李双寅"],
        "区气象局",
        ["赵慧琴"],
    ),
    (
        "work_safety",
        "生产安全事故应急指挥部",
        ["冯晓伟", "牛大伟"],
        ["陈玉霞", "姚林云", "杨顺龙", "李双寅"],
        "区应急管理局",
        ["姚林云", "陈玉霞"],
    ),
    (
        "coal_mine",
        "煤矿生产安全事故应急指挥部",
        ["冯晓伟"],
        ["杜阳阳", "姚林云", "杨顺龙", "李双寅"],
        "区应急管理局",
        ["姚林云", "杜阳阳"],
    ),
    (
        "traffic",
        "交通事故应急指挥部",
        ["张海忠"],
        ["田会锋", "陈志刚", "姚林云", "杨顺龙", "李双寅", "原宁峰"],
        "区交通局",
        ["陈志刚"],
    ),
    (
        "culture_tourism",
        "文化旅游事故应急指挥部",
        ["郭晓晨"],
        ["刘杰", "卫娟", "姚林云", "杨顺龙", "李双寅"],
        "区文旅局",
        ["卫娟"],
    ),
    (
        "campus",
        "校园安全事故应急指挥部",
        ["郭晓晨"],
        ["刘杰", "王孟", "姚林云", "杨顺龙", "李双寅"],
        "区教科局",
        ["王孟"],
    ),
    (
        "construction",
        "城乡建设事故应急指挥部",
        ["张海忠"],
        ["田会锋", "杨珂", "韩宁", "姚林云", "杨顺龙", "李双寅"],
        "区住建局",
        ["杨珂", "韩宁"],
    ),
    (
        "special_equipment",
        "特种设备事故应急指挥部",
        ["史晋雷"],
        ["曹谦", "姚林云", "杨顺龙", "李双寅", "王晋阳"],
        "区市场监管局",
        ["王晋阳"],
    ),
    (
        "eco_environment",
        "生态环境事件应急指挥部",
        ["冯军彪"],
        ["冯文娟", "姚林云", "焦冬栋", "杨顺龙", "李双寅"],
        "区生态环境分局",
        ["焦冬栋"],
    ),
    (
        "public_health",
        "公共卫生事件应急指挥部",
        ["史晋雷"],
        ["曹谦", "张丰亮", "姚林云", "杨顺龙", "李双寅"],
        "区卫体局",
        ["张丰亮"],
    ),
    (
        "market_regulation",
        "市场监管事件应急指挥部",
        ["史晋雷"],
        ["曹谦", "姚林云", "杨顺龙", "李双寅", "王晋阳"],
        "区市场监管局",
        ["王晋阳"],
    ),
    (
        "animal_epidemic",
        "动物疫情应急指挥部",
        ["史晋雷"],
        ["曹谦", "张丰亮", "姚林云", "杨顺龙", "李双寅", "刘静霞", "司俊霞"],
        "区畜牧兽医中心",
        ["司俊霞"],
    ),
    (
        "social_security",
        "社会安全事件应急指挥部",
        ["赵耀华"],
        ["曹谦", "姚林云", "杨顺龙", "李双寅", "原宁峰"],
        "区公安分局",
        ["原宁峰"],
    ),
]


def names(seats: Iterable[Seat]) -> list[str]:
    return [ROSTER.holder_of(seat.position) for seat in seats]


def test_there_are_seventeen_specialised_hqs_and_one_general_hq() -> None:
    assert len(ROSTER.special()) == 17
    assert [hq.kind for hq in ROSTER.hqs].count(Kind.GENERAL) == 1
    assert {hq.key for hq in ROSTER.hqs if hq.kind is Kind.PLAN} == {
        "plan_heavy_pollution",
        "plan_animal_epidemic",
        "plan_water_source",
    }


@pytest.mark.parametrize(("key", "name", "commanders", "deputies", "host", "directors"), SPECIAL)
def test_each_specialised_hq_matches_the_notice_name_by_name(
    key: str, name: str, commanders: list[str], deputies: list[str], host: str, directors: list[str]
) -> None:
    hq = ROSTER.headquarters(key)
    assert hq.name == name
    assert names(hq.commanders) == commanders
    assert names(hq.deputies) == deputies
    assert hq.office.host == host
    assert [ROSTER.holder_of(d) for d in hq.office.directors] == directors
    assert "分管负责人" in hq.members_text
    assert hq.duties.startswith("贯彻落实")
    assert hq.office.duties.startswith("承担")


def test_the_specialised_hqs_are_in_the_notices_order_with_their_clauses() -> None:
    assert [hq.key for hq in ROSTER.special()] == [row[0] for row in SPECIAL]
    assert ROSTER.headquarters("coal_mine").clause == "二(七)"
    assert ROSTER.headquarters("coal_mine").commanders[0].citation.clause == "二(七)1"
    assert ROSTER.headquarters("coal_mine").office.citation.clause == "二(七)3"
    assert ROSTER.headquarters("coal_mine").duties_citation.clause == "二(七)2"


def test_every_holder_name_and_title_is_printed_in_the_gazette_at_its_line() -> None:
    for position in ROSTER.by_key.values():
        if position.line is None:
            continue
        printed = "".join(GAZETTE[position.line - 1].split())
        assert position.holder in printed, position
        assert position.title in printed, position


def test_the_general_hq_commanders_and_office() -> None:
    hq = ROSTER.headquarters("区减灾委员会")
    assert hq.key == "general"
    assert names(hq.commanders) == ["范永星"]
    assert ROSTER.position("区长").holder == "范永星"
    assert names(hq.in_role(Role.EXECUTIVE_DEPUTY_CHIEF)) == ["冯晓伟"]
    assert hq.office.host == "区应急管理局"
    assert [ROSTER.holder_of(d) for d in hq.office.directors] == ["姚林云"]
    assert hq.office.text.startswith(
        "区应急救援总指挥部(区减灾委员会)下设办公室,办公室设在区应急管理局"
    )
    assert hq.duties.startswith("加挂区减灾委员会牌子")


def test_the_reconstructed_table_gives_nine_deputies_and_fifty_members() -> None:
    hq = ROSTER.general()
    assert names(hq.in_role(Role.DEPUTY_CHIEF)) == [
        "张海忠",
        "郭晓晨",
        "史晋雷",
        "赵耀华",
        "牛大伟",
        "刘小虎",
        "冯军彪",
        "靳睿",
        "许钟蔚",
    ]
    members = names(hq.members)
    assert len(members) == 50
    # left column (lines 1597–1622), then right column (lines 1588–1611)
    assert members[:3] == ["王珏", "裴玉", "曹谦"]
    assert members[25] == "焦冬栋"
    assert members[26:29] == ["杨顺龙", "李双寅", "刘静霞"]
    assert members[-3:] == ["李芳", "李姣姣", "李冬"]
    # the right column's first rows are members, not 副总指挥
    assert "杨顺龙" not in names(hq.in_role(Role.DEPUTY_CHIEF))


def test_each_table_position_is_read_from_its_column_cells() -> None:
    columns = {"left": (0, 1), "right": (2, 3)}
    in_table = [p for p in ROSTER.by_key.values() if p.column]
    assert len(in_table) == 9 + 50
    for position in in_table:
        assert position.line is not None
        cells = [c.strip() for c in GAZETTE[position.line - 1].split("\t")]
        name_at, title_at = columns[position.column]
        assert "".join(cells[name_at].split(":")[-1].split()) == position.holder, position
        assert cells[title_at] == position.title, position
    right = [p.holder for p in in_table if p.column == "right"]
    assert len(right) == 24
    assert all(1588 <= (p.line or 0) <= 1611 for p in in_table if p.column == "right")


def test_telecom_members_have_no_title_in_the_table() -> None:
    telecoms = [p for p in ROSTER.by_key.values() if not p.title_given]
    assert sorted(p.holder for p in telecoms) == ["李冬", "李姣姣", "李芳"]
    assert all(p.key.endswith("负责人") for p in telecoms)


def test_every_reconstruction_names_lines_inside_the_notice() -> None:
    assert len(ROSTER.reconstructions) >= 8
    for repair in ROSTER.reconstructions:
        assert 1574 <= repair.first_line <= repair.last_line <= 2130
        assert repair.what


def test_the_emergency_bureau_director_sits_in_every_specialised_hq() -> None:
    seats = ROSTER.seats_of("区应急管理局局长")
    hqs = {seat.hq for seat in seats}
    assert {hq.key for hq in ROSTER.special()} <= hqs
    assert {"general", "plan_animal_epidemic", "plan_heavy_pollution"} <= hqs
    assert "plan_water_source" not in hqs
    directs = {seat.hq for seat in seats if seat.role is Role.OFFICE_DIRECTOR}
    assert directs == {
        "general",
        "earthquake",
        "forest_fire",
        "flood_drought",
        "geological",
        "work_safety",
        "coal_mine",
    }
    assert all(
        seat.role is Role.DEPUTY_COMMANDER
        for seat in seats
        if seat.hq in {hq.key for hq in ROSTER.special()} and seat.role is not Role.OFFICE_DIRECTOR
    )
    assert ROSTER.holder_of("区应急管理局局长") == "姚林云"


def test_positions_lists_each_position_once_with_its_hqs() -> None:
    listed = ROSTER.positions()
    keys = [entry.position.key for entry in listed]
    assert len(keys) == len(set(keys))
    emergency = next(entry for entry in listed if entry.position.key == "区应急管理局局长")
    assert len(emergency.hqs) == 20
    assert max(listed, key=lambda e: len(e.hqs)).position.key == "区应急管理局局长"


def test_one_person_holds_one_position_in_the_notice() -> None:
    holders = [p.holder for p in ROSTER.by_key.values() if p.holder]
    assert len(holders) == len(set(holders))


def test_a_new_holder_updates_every_hq() -> None:
    moved = ROSTER.with_holder("区应急管理局局长", "张 三")
    for key in ("general", "earthquake", "social_security", "plan_animal_epidemic"):
        hq = moved.headquarters(key)
        seats = [s for s in hq.seats if s.position == "区应急管理局局长"]
        assert seats
        assert all(moved.holder_of(s.position) == "张三" for s in seats)
    assert ROSTER.holder_of("区应急管理局局长") == "姚林云"  # the original is unchanged
    with pytest.raises(DomainError):
        ROSTER.with_holder("区应急管理局局长", "  ")
    with pytest.raises(DomainError):
        ROSTER.with_holder("不存在的岗位", "张三")


def test_dual_commander_hqs_are_four_in_the_notice() -> None:
    # 城政发〔2024〕5号 (二十九) speaks of five "双指挥长" HQs; 8号 names two 指挥长 for four.
    dual = [hq.key for hq in ROSTER.special() if len(hq.commanders) == 2]
    assert dual == ["forest_fire", "flood_drought", "geological", "work_safety"]


def test_plan_hqs_keep_the_plans_words_and_their_groups() -> None:
    water = ROSTER.headquarters("plan_water_source")
    assert [s.as_written for s in water.deputies] == [
        "区政府办协管生态环境工作的副主任",
        "市生态环境局城区分局局长",
    ]
    assert len(water.groups) == 9
    animal = ROSTER.headquarters("plan_animal_epidemic")
    assert len(animal.groups) == 6
    assert [ROSTER.holder_of(d) for d in animal.office.directors] == ["", "司俊霞"]
    air = ROSTER.headquarters("plan_heavy_pollution")
    assert air.groups == ("综合协调组", "技术支持组", "督导检查组", "宣传报道组")
    assert air.groups_citation is not None
    assert air.groups_citation.label() == "城政办发〔2024〕1号 2.2"


def test_unknown_hq_is_a_clear_error() -> None:
    with pytest.raises(DomainError) as caught:
        ROSTER.headquarters("火星指挥部")
    assert caught.value.code == "command.hq_unknown"
