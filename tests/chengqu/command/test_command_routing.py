"""Routing: every vocabulary word goes to its HQ; unclear text gives candidates, unknown the general HQ."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.command.roster import load_roster
from chengqu.command.routing import Status, load_vocabulary, route_incident
from chengqu.common import DomainError

# The issue's vocabulary, verbatim.
ISSUE = {
    "地震": "抗震救灾指挥部",
    "森林火灾": "森林防灭火指挥部",
    "草原火灾": "森林防灭火指挥部",
    "洪水": "防汛抗旱指挥部",
    "干旱": "防汛抗旱指挥部",
    "内涝": "防汛抗旱指挥部",
    "滑坡": "地质灾害应急指挥部",
    "泥石流": "地质灾害应急指挥部",
    "地面塌陷": "地质灾害应急指挥部",
    "暴雨": "气象灾害应急指挥部",
    "寒潮": "气象灾害应急指挥部",
    "大风": "气象灾害应急指挥部",
    "雷电": "气象灾害应急指挥部",
    "煤矿事故": "煤矿生产安全事故应急指挥部",
    "道路交通事故": "交通事故应急指挥部",
    "景区事故": "文化旅游事故应急指挥部",
    "校园": "校园安全事故应急指挥部",
    "建筑施工": "城乡建设事故应急指挥部",
    "电梯": "特种设备事故应急指挥部",
    "锅炉": "特种设备事故应急指挥部",
    "压力容器": "特种设备事故应急指挥部",
    "环境污染": "生态环境事件应急指挥部",
    "传染病": "公共卫生事件应急指挥部",
    "食物中毒": "公共卫生事件应急指挥部",
    "食品药品": "市场监管事件应急指挥部",
    "疫苗": "市场监管事件应急指挥部",
    "动物疫情": "动物疫情应急指挥部",
    "群体性事件": "社会安全事件应急指挥部",
}


def test_the_table_holds_exactly_the_issues_words() -> None:
    issue_words = load_vocabulary().words(issue_only=True)
    assert set(issue_words) == set(ISSUE)


@pytest.mark.parametrize(("word", "hq"), sorted(ISSUE.items()))
def test_each_issue_word_routes_to_its_hq(word: str, hq: str) -> None:
    decision = route_incident(word)
    assert decision.value.status is Status.MATCHED
    assert [r.name for r in decision.value.routes] == [hq]
    assert decision.citations


@pytest.mark.parametrize(("word", "hqs"), sorted(load_vocabulary().words().items()))
def test_every_vocabulary_word_routes_alone_to_its_hq(word: str, hqs: tuple[str, ...]) -> None:
    assert route_incident(word).value.hqs == hqs


def test_every_specialised_hq_can_be_reached_by_some_word() -> None:
    reached = {hq for hqs in load_vocabulary().words().values() for hq in hqs}
    assert {hq.key for hq in load_roster().special()} <= reached


def test_words_inside_a_sentence_still_route() -> None:
    routing = route_incident("今晨北山林区发生森林火灾, 火势向东蔓延").value
    assert routing.hqs == ("forest_fire",)
    assert routing.matched_words == ("森林火灾",)


def test_a_longer_word_beats_the_word_inside_it() -> None:
    assert route_incident("某煤矿生产安全事故").value.hqs == ("coal_mine",)
    assert route_incident("发生生产安全事故").value.hqs == ("work_safety",)
    # "火灾" alone is unclear, inside "森林火灾" it is not
    assert route_incident("森林火灾").value.status is Status.MATCHED


def test_text_naming_two_hqs_gives_both_as_candidates_and_says_so() -> None:
    decision = route_incident("学校食堂发生食物中毒")
    assert decision.value.status is Status.AMBIGUOUS
    assert set(decision.value.hqs) == {"campus", "public_health"}
    assert any("未自动选择" in note for note in decision.notes)


@pytest.mark.parametrize("word", sorted(load_vocabulary().ambiguous_words()))
def test_unspecific_words_give_candidates_with_a_note(word: str) -> None:
    decision = route_incident(word)
    assert decision.value.status is Status.AMBIGUOUS
    assert len(decision.value.hqs) >= 2
    assert decision.notes


def test_unknown_text_goes_to_the_general_hq_with_the_notices_words() -> None:
    decision = route_incident("不明飞行物坠落")
    assert decision.value.status is Status.UNKNOWN
    assert decision.value.hqs == ("general",)
    assert any("视情况设立专项指挥机构" in note for note in decision.notes)
    assert any(c.text == "其他类型突发事件,视情况设立专项指挥机构。" for c in decision.citations)


def test_empty_type_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        route_incident("   ")
    assert caught.value.code == "command.type_missing"


def test_hq_keys_and_names_route_directly() -> None:
    for hq in load_roster().hqs:
        assert route_incident(hq.key).value.hqs == (hq.key,)
        assert route_incident(hq.name).value.hqs == (hq.key,)


def test_plan_incidents_name_the_special_hq_and_the_plan() -> None:
    water = route_incident("饮用水水源地柴油泄漏").value
    assert water.hqs == ("eco_environment",)
    assert water.routes[0].plans == ("plan_water_source",)
    assert route_incident("动物疫情").value.routes[0].plans == ("plan_animal_epidemic",)
    assert route_incident("重污染天气").value.routes[0].plans == ("plan_heavy_pollution",)


def test_cli_contract_for_forest_fire() -> None:
    out = route_incident("森林火灾").value.routes[0].as_dict()
    json.dumps(out, ensure_ascii=False)
    assert out["hq"] == "森林防灭火指挥部"
    assert out["commanders"] == [
        {"name": "冯晓伟", "position": "区委常委、常务副区长"},
        {"name": "张海忠", "position": "区委常委、副区长"},
    ]
    assert out["office"] == {
        "host": "区应急管理局",
        "directors": [
            {"name": "姚林云", "position": "区应急管理局局长"},
            {"name": "郭海峰", "position": "区自然资源局局长"},
        ],
    }
    assert out["citation"]["document"] == "城政办发〔2024〕8号"
    assert out["citation"]["clause"] == "二(二)1"


def test_who_must_be_told_is_the_hq_office_and_the_general_office() -> None:
    route = route_incident("地震").value.routes[0]
    whos = [r.who for r in route.notify]
    assert whos == ["抗震救灾指挥部办公室(区应急管理局)", "区应急救援总指挥部办公室"]
    assert route.notify[0].citation.clause == "二(一)3"
    assert [p.name for p in route.notify[0].persons] == ["姚林云", "王孟"]


def test_routing_follows_a_new_holder() -> None:
    roster = load_roster().with_holder("区气象局局长", "李四")
    route = route_incident("暴雨", roster=roster).value.routes[0]
    assert [p.name for p in route.office_directors] == ["李四"]


@given(st.text(max_size=30))
def test_any_text_is_routed_or_refused_never_silently_guessed(text: str) -> None:
    if not "".join(text.split()):
        with pytest.raises(DomainError):
            route_incident(text)
        return
    decision = route_incident(text)
    routing = decision.value
    assert routing.routes
    if routing.status is Status.MATCHED:
        assert len(routing.routes) == 1
    if len(routing.routes) > 1:
        assert routing.status is Status.AMBIGUOUS
        assert decision.notes
