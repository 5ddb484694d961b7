"""The plans' content as data: water tasks per level with their working groups, the animal
measures per zone, the sample chain's order, compensation lines and the assessment sections —
each checked against the gazette's own words."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.command.levels import earliest_animal_end, incubation_table
from chengqu.command.plan_tasks import (
    animal_measures,
    assessment_form,
    assessment_missing,
    chain_outcome,
    check_compensation,
    compensation_total,
    empty_chain,
    record_sample,
    sample_labs,
    water_groups,
    water_tasks,
    water_templates,
)
from chengqu.common import SHANGHAI, DomainError
from chengqu.data import read_gazette_issue

RAW = read_gazette_issue("gazette-2024-1.txt")
FULLWIDTH = str.maketrans({"\uff0c": ",", "\uff1b": ";", "\uff08": "(", "\uff09": ")"})
GAZETTE = "".join(RAW.split()).translate(FULLWIDTH)
T0 = datetime(2024, 6, 1, 9, 0, tzinfo=SHANGHAI)


def _clean(text: str) -> str:
    return "".join(text.split()).translate(FULLWIDTH)


def _clause(start: str, end: str) -> str:
    """The gazette's text between two headings of the water plan (whitespace removed)."""
    begin = GAZETTE.index(_clean(start))
    return GAZETTE[begin : GAZETTE.index(_clean(end), begin)]


# ------------------------------------------------------------------ water tasks


def test_the_nine_working_groups_are_the_plans() -> None:
    groups = water_groups()
    assert len(groups) == 9
    sentence = _clean(
        "区指挥部下设综合协调组、应急处置组、应急监测组、供水保障组、医疗救护组、后勤保障组、宣传报道组、应急专家组及治安警戒组等9个应急工作组。"
    )
    assert sentence in GAZETTE
    for name in groups:
        assert name in sentence


def test_every_task_quotes_the_gazette_and_names_a_plan_group() -> None:
    for t in water_templates():
        assert _clean(t.text) in GAZETTE, t.key
        assert t.group in water_groups(), t.key
        assert set(t.also) <= set(water_groups()), t.key
        assert t.basis in {"text", "inferred"}
        if t.basis == "text":
            assert t.group in t.text, t.key  # the clause itself names the group


def _clauses(warning: str = "", response: str = "") -> list[str]:
    return [t.clause for t in water_tasks(warning, response).value]


def test_an_orange_warning_asks_members_to_prepare_and_nothing_else() -> None:
    assert _clauses("橙色") == ["3.5"]
    (task,) = water_tasks("橙色").value
    assert "人员、物资、装备等应急准备" in task.text


def test_a_red_warning_starts_the_four_warning_actions() -> None:
    section = _clause("3.5 预警行动", "4 信息报送")
    numbered = [n for n in ("(1)", "(2)", "(3)", "(4)", "(5)") if n in section]
    assert numbered == ["(1)", "(2)", "(3)", "(4)"]
    assert _clauses("红色") == ["3.5", "3.5(1)", "3.5(2)", "3.5(3)", "3.5(4)"]


def test_level_two_carries_5_1_1_and_5_2_3() -> None:
    expected = [f"5.1.1({n})" for n in range(1, 6)] + [f"5.2.3({n})" for n in range(1, 8)]
    assert _clauses(response="Ⅱ") == expected
    # The plan numbers exactly five measures in 5.1.1 and seven in 5.2.3.
    assert "(6)" not in _clause("5.1.1 Ⅱ级响应", "5.1.2")
    assert "(8)" not in _clause("5.2.3 现场控制与处置", "5.2.4")
    assert "(7)" in _clause("5.2.3 现场控制与处置", "5.2.4")


def test_level_one_builds_on_level_two() -> None:
    one = _clauses(response="Ⅰ")
    assert set(_clauses(response="Ⅱ")) < set(one)
    assert [c for c in one if c.startswith("5.1.2")] == [f"5.1.2({n})" for n in range(1, 5)]
    assert "在Ⅱ级响应的基础上" in GAZETTE
    assert len(one) == 5 + 4 + 7


def test_red_warning_with_level_one_gives_both_sets_once() -> None:
    both = water_tasks("红色", "Ⅰ")
    keys = [t.key for t in both.value]
    assert len(keys) == len(set(keys)) == 5 + 16
    assert {c.clause for c in both.citations} == {"3.5", "5.1.1", "5.1.2", "5.2.3"}
    assert any("附录10.5" in n for n in both.notes)  # inferred assignments are said to be inferred


def test_no_level_no_tasks_and_bad_levels_refused() -> None:
    assert water_tasks().value == ()
    with pytest.raises(DomainError):
        water_tasks("黄色")
    with pytest.raises(DomainError):
        water_tasks(response="Ⅲ")


def test_named_groups_follow_the_text() -> None:
    by_clause = {t.clause: t for t in water_templates()}
    assert by_clause["5.2.3(1)"].group == "治安警戒组"
    assert by_clause["5.2.3(4)"].group == "供水保障组"
    assert all(t.discretionary for t in water_templates() if t.clause.startswith("5.2.3"))  # 可实施


# ------------------------------------------------------------------ animal measures


def test_animal_measures_are_spans_of_4_3_sorted_by_zone() -> None:
    section = _clause("4.3 响应措施", "4.4 安全防护")
    decision = animal_measures()
    zones = decision.value
    assert list(zones) == ["疫点", "疫区", "受威胁区", "全域"]
    for zone, items in zones.items():
        for m in items:
            assert _clean(m.text) in section, m.key
            if zone != "全域":  # the sentence the item comes from names its zone
                sentence = next(x for x in section.split("。") if _clean(m.text) in x)
                assert zone in sentence, m.key
    assert len(zones["疫点"]) == 3
    assert len(zones["受威胁区"]) == 1
    assert any(c.clause == "4.3" for c in decision.citations)


def test_every_measure_sentence_of_4_3_is_on_a_checklist() -> None:
    section = _clause("4.3 响应措施", "4.4 安全防护")
    covered = section
    spans = [_clean(m.text) for items in animal_measures().value.values() for m in items]
    for span in sorted(spans, key=len, reverse=True):  # longest first: no span eats into another
        covered = covered.replace(span, "", 1)
    leftover = "".join(ch for ch in covered if ch not in ",。;、")
    # Only the heading and the connective words remain.
    assert leftover == "4.3响应措施应急响应启动后在应急处置过程中", leftover


# ------------------------------------------------------------------ sample chain


def test_the_chain_is_the_plans_three_labs() -> None:
    assert sample_labs() == ("市畜牧兽医服务中心", "省动物疫病预防控制中心", "国家参考实验室")
    for lab in sample_labs():
        assert lab in GAZETTE


def test_a_step_cannot_be_recorded_before_its_predecessor() -> None:
    chain = empty_chain()
    with pytest.raises(DomainError) as caught:
        record_sample(chain, 1, "sent_at", T0)
    assert "须先记录市畜牧兽医服务中心的结果" in caught.value.message
    with pytest.raises(DomainError):
        record_sample(chain, 0, "received_at", T0)
    chain = record_sample(chain, 0, "sent_at", T0).value
    with pytest.raises(DomainError):
        record_sample(chain, 0, "received_at", T0 - timedelta(minutes=1))
    chain = record_sample(chain, 0, "received_at", T0 + timedelta(hours=1)).value
    chain = record_sample(chain, 0, "result_at", T0 + timedelta(hours=5), result="不能认定").value
    with pytest.raises(DomainError) as caught:
        record_sample(chain, 1, "sent_at", T0 + timedelta(hours=4))
    assert "不能早于" in caught.value.message
    chain = record_sample(chain, 1, "sent_at", T0 + timedelta(hours=6)).value
    with pytest.raises(DomainError) as caught:
        record_sample(chain, 1, "sent_at", T0 + timedelta(hours=7))
    assert caught.value.code == "command.sample_recorded"
    assert chain_outcome(chain) == ""


def test_a_definite_result_ends_the_chain() -> None:
    chain = record_sample(empty_chain(), 0, "sent_at", T0).value
    chain = record_sample(chain, 0, "received_at", T0).value
    chain = record_sample(chain, 0, "result_at", T0, result="确诊").value
    assert chain_outcome(chain) == "市畜牧兽医服务中心: 确诊"
    with pytest.raises(DomainError):
        record_sample(chain, 1, "sent_at", T0 + timedelta(hours=1))


def test_the_national_lab_must_decide() -> None:
    chain = empty_chain()
    at = T0
    for i in range(2):
        for field in ("sent_at", "received_at"):
            chain = record_sample(chain, i, field, at).value
        chain = record_sample(chain, i, "result_at", at, result="不能认定").value
    chain = record_sample(chain, 2, "sent_at", at).value
    chain = record_sample(chain, 2, "received_at", at).value
    with pytest.raises(DomainError):
        record_sample(chain, 2, "result_at", at, result="不能认定")
    with pytest.raises(DomainError):
        record_sample(chain, 2, "result_at", at, result="")


@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),
            st.sampled_from(["sent_at", "received_at", "result_at"]),
            st.integers(-300, 600),
            st.sampled_from(["确诊", "排除", "不能认定"]),
        ),
        max_size=25,
    )
)
def test_any_accepted_sequence_keeps_the_chain_in_order(moves) -> None:
    chain = empty_chain()
    for index, field, minutes, result in moves:
        try:
            chain = record_sample(
                chain, index, field, T0 + timedelta(minutes=minutes), result=result
            ).value
        except DomainError:
            continue
    times = []
    for i, step in enumerate(chain):
        recorded = [t for t in (step.sent_at, step.received_at, step.result_at) if t is not None]
        # within a lab: no gaps and non-decreasing
        assert [t is not None for t in (step.sent_at, step.received_at, step.result_at)][
            : len(recorded)
        ] == [True] * len(recorded)
        assert recorded == sorted(recorded)
        if step.sent_at is not None and i > 0:
            assert chain[i - 1].result == "不能认定"
        times.extend(recorded)
    assert times == sorted(times)


# ------------------------------------------------------------------ compensation


def test_a_compensation_line_is_exact_yuan_with_its_basis() -> None:
    decision = check_compensation(
        kind="扑杀动物",
        item="生猪",
        owner="张三养殖场",
        quantity="120",
        unit="头",
        amount="96000.50",
        basis="按省级强制扑杀补助标准",
    )
    line = decision.value
    assert line.amount == Decimal("96000.50")
    assert decision.citations[0].clause == "5.2"
    other = check_compensation(
        kind="销毁动物产品",
        item="猪肉",
        owner="李四",
        quantity="1.5",
        unit="吨",
        amount="0.10",
        basis="x",
    ).value
    assert compensation_total([line, other]) == Decimal("96000.60")


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("kind", {"kind": "赔偿"}),
        ("owner", {"owner": " "}),
        ("basis", {"basis": ""}),
        ("quantity", {"quantity": "0"}),
        ("quantity", {"quantity": "abc"}),
        ("amount", {"amount": "-1"}),
        ("amount", {"amount": "1.005"}),
        ("amount", {"amount": "一千"}),
    ],
)
def test_bad_compensation_input_is_refused_with_its_field(field, values) -> None:
    base = {
        "kind": "扑杀动物",
        "item": "生猪",
        "owner": "张三",
        "quantity": "1",
        "unit": "头",
        "amount": "800",
        "basis": "规定",
    }
    with pytest.raises(DomainError) as caught:
        check_compensation(**{**base, **values})
    assert caught.value.field == field


def test_compensation_text_is_the_plans() -> None:
    assert (
        _clean("因扑灭或者防止重大动物疫情受到经济损失的,区人民政府应当在应急响应终止后") in GAZETTE
    )


# ------------------------------------------------------------------ assessment


def test_assessment_sections_are_the_plans() -> None:
    water = assessment_form("plan_water_source")
    assert water.citation.clause == "6.2"
    assert len(water.sections) == 8
    for s in water.sections:
        assert _clean(s.name) in GAZETTE
    assert [s.name for s in water.sections if not s.required] == ["其他有必要报告的内容"]
    animal = assessment_form("plan_animal_epidemic")
    assert animal.citation.clause == "5.1"
    evaluation = _clause("5.1 疫情评估", "5.2 补偿")
    for s in animal.sections:
        assert _clean(s.name) in evaluation
    assert all(s.required for s in animal.sections)
    with pytest.raises(DomainError):
        assessment_form("plan_air")


def test_missing_sections_are_named() -> None:
    form = assessment_form("plan_animal_epidemic")
    content = {s.name: "已写" for s in form.sections}
    assert assessment_missing("plan_animal_epidemic", content) == ()
    content[form.sections[1].name] = "   "
    assert assessment_missing("plan_animal_epidemic", content) == (form.sections[1].name,)
    water = assessment_form("plan_water_source")
    assert (
        assessment_missing("plan_water_source", {s.name: "x" for s in water.sections if s.required})
        == ()
    )


# ------------------------------------------------------------------ incubation verification


def test_every_incubation_row_cites_a_chapter_and_article_and_says_if_verified() -> None:
    rows = incubation_table()
    assert rows
    for row in rows:
        assert "Chapter" in row.source
        assert "Art." in row.source
        assert row.checked  # what was read, or why it could not be confirmed
    verified = {r.disease for r in rows if r.verified}
    assert {"口蹄疫", "非洲猪瘟", "高致病性禽流感"} <= verified
    assert {"新城疫", "小反刍兽疫"}.isdisjoint(verified)


def test_an_unverified_period_is_flagged_on_the_end_date() -> None:
    flagged = earliest_animal_end(T0.date(), disease="新城疫")
    assert any("未核实" in n for n in flagged.notes)
    clean = earliest_animal_end(T0.date(), disease="口蹄疫")
    assert not any("未核实" in n for n in clean.notes)
