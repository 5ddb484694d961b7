"""The engine (chengqu.incentives.engine, its fast path) equals the reference path, field for field.

The engine precomputes tier tables, parses plain numbers in a fast lane and renders the Chinese
text only when read; chengqu.incentives.reference is the plain, eager evaluator it replaced. On
generated enterprises — every measure, values on and around each threshold, growth as percent
and as a fraction, bad values — both give the same JSON (awards, reasons, near misses, needs,
notes, guidance), the same totals and the same errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chengqu.common import DomainError
from chengqu.incentives import (
    default_rules,
    evaluate,
    evaluate_many,
    evaluation_to_dict,
    reference,
    to_dict,
)
from chengqu.incentives.facts import parse_facts, parse_facts_fast

RULES = default_rules()
AS_OFS = [date(2024, 3, 15), date(2024, 7, 15), date(2024, 12, 31)]


def _thresholds(fact: str) -> list[Decimal]:
    found = set()
    for measure in RULES.measures:
        for tier in measure.tiers:
            for condition in tier.conditions:
                if condition.fact == fact:
                    found.add(condition.threshold)
    return sorted(found)


# At a threshold, a fen or a unit either side, and decimals of a growth percentage either side.
NEAR = [
    Decimal(d)
    for d in ("0", "0.01", "-0.01", "1", "-1", "0.5", "0.1", "-0.1", "0.001", "-0.001", "0.00")
]


def _around(fact: str) -> st.SearchStrategy[Decimal]:
    """A threshold of the fact, a hair or one unit either side of it, or anything."""
    points = _thresholds(fact) or [Decimal(0)]
    near = st.builds(
        lambda t, d: (
            max(t + d, Decimal(0))
            if not fact.endswith(("growth_jan_feb", "growth_h1", "q1_growth"))
            else t + d
        ),
        st.sampled_from(points),
        st.sampled_from(NEAR),
    )
    anything = st.integers(min_value=0, max_value=10**11).map(lambda fen: Decimal(fen) / 100)
    return st.one_of(near, anything)


def _shown(value: Decimal) -> st.SearchStrategy[object]:
    """How a value arrives: Decimal, plain string, padded string, with thousands separators."""
    text = format(value, "f")
    options: list[object] = [value, text, f" {text} "]
    if value == value.to_integral_value() and value >= 0:
        options.append(int(value))
        options.append(f"{int(value):,}")
    return st.sampled_from(options)


def _fact_value(name: str) -> st.SearchStrategy[object]:
    kind = RULES.facts[name].kind
    if kind == "percent":
        small = st.integers(min_value=-99, max_value=99).map(
            lambda c: Decimal(c) / 100
        )  # 0.25 for 25%?
        explicit = st.integers(min_value=-1000, max_value=3000).map(lambda t: f"{Decimal(t) / 10}%")
        return st.one_of(_around(name).flatmap(_shown), small.flatmap(_shown), explicit)
    if kind == "count":
        points = [int(t) for t in _thresholds(name)] or [0]
        return st.one_of(
            st.builds(lambda t, d: max(t + d, 0), st.sampled_from(points), st.integers(-2, 2)),
            st.integers(min_value=0, max_value=10**6),
        ).flatmap(lambda n: st.sampled_from([n, str(n), f"{n}.0"]))
    if kind == "area_list":
        areas = st.lists(
            st.integers(min_value=1, max_value=100_000).map(lambda c: Decimal(c) / 100), max_size=6
        )
        return st.one_of(areas, areas.map(lambda xs: ";".join(format(x, "f") for x in xs)))
    if kind == "travel_groups":
        group = st.fixed_dictionaries(
            {
                "guests": st.integers(min_value=0, max_value=600),
                "nights": st.integers(min_value=0, max_value=5),
                "scenic_spots": st.integers(min_value=0, max_value=5),
                "district_hotel": st.booleans(),
            }
        )
        return st.lists(group, max_size=8)
    return _around(name).flatmap(_shown)


BAD = st.sampled_from(
    ["-5", "abc", "NaN", "Infinity", 1.5, True, "", None, "  ", "12%", "-101%", "3.5"]
)
FACTS = sorted(RULES.facts)


@st.composite
def enterprises(draw: st.DrawFn, *, bad: bool = False) -> dict[str, object]:
    chosen = draw(st.lists(st.sampled_from(FACTS), unique=True, max_size=len(FACTS)))
    row: dict[str, object] = {name: draw(_fact_value(name)) for name in chosen}
    if bad and chosen and draw(st.booleans()):
        row[draw(st.sampled_from(chosen))] = draw(BAD)
    return row


def _reference(facts: dict[str, object], as_of: date) -> tuple[str, Any]:
    try:
        return "ok", reference.evaluation_to_dict(reference.evaluate(facts, as_of), detail=True)
    except DomainError as error:
        return "error", (error.code, error.message, error.field)


def _fast(facts: dict[str, object], as_of: date) -> tuple[str, Any]:
    try:
        return "ok", evaluation_to_dict(evaluate(facts, as_of), detail=True)
    except DomainError as error:
        return "error", (error.code, error.message, error.field)


@settings(max_examples=400, deadline=None)
@given(enterprises(bad=True), st.sampled_from(AS_OFS))
def test_the_fast_path_gives_exactly_the_reference_result(
    facts: dict[str, object], as_of: date
) -> None:
    assert _fast(facts, as_of) == _reference(facts, as_of)


@settings(max_examples=300, deadline=None)
@given(enterprises(bad=True))
def test_the_fast_parser_types_every_value_as_the_reference_parser(
    facts: dict[str, object],
) -> None:
    try:
        expected: Any = parse_facts(facts, RULES)
    except DomainError as error:
        expected = (error.code, error.message, error.field)
    try:
        got: Any = parse_facts_fast(facts, RULES)
    except DomainError as error:
        got = (error.code, error.message, error.field)
    assert got == expected
    if not isinstance(got, tuple):  # same Decimal digits and exponent, not just equal numbers
        assert {k: repr(v) for k, v in got.values.items()} == {
            k: repr(v) for k, v in expected.values.items()
        }


@settings(max_examples=40, deadline=None)
@given(st.lists(enterprises(bad=True), max_size=12))
def test_a_batch_gives_each_row_the_reference_result_or_its_error(
    rows: list[dict[str, object]],
) -> None:
    as_of = date(2024, 7, 15)
    batch = to_dict(
        evaluate_many([{"id": f"E{i}", **row} for i, row in enumerate(rows)], as_of), detail=True
    )
    expected_results = []
    expected_errors = []
    for i, row in enumerate(rows):
        status, value = _reference(row, as_of)
        if status == "ok":
            expected_results.append({**value, "id": f"E{i}"})
        else:
            expected_errors.append(
                {
                    "index": i,
                    "id": f"E{i}",
                    "code": value[0],
                    "message": value[1],
                    "field": value[2],
                }
            )
    assert batch == {"results": expected_results, "errors": expected_errors}


def test_every_measure_awards_on_the_fast_path_as_on_the_reference_path() -> None:
    """A fixed enterprise that earns something under every computable measure, checked by text."""
    facts: dict[str, object] = {
        "q1_investment": "80000000",
        "new_project_total_investment": "600000000",
        "other_service_revenue_jan_feb": "6000000",
        "other_service_growth_jan_feb": "25",
        "transport_growth_jan_feb": "22",
        "real_estate_sales_area_q1": "6000",
        "industrial_annual_output": "600000000",
        "industrial_q1_growth": "12",
        "below_scale_industrial_q1_revenue": "6500000",
        "specialized_pool_rd_q1": "600000",
        "promotion_online_sales": "5000000",
        "promotion_firms": 40,
        "promotion_views": 200000,
        "promotion_costs": "80000",
        "new_chain_store_areas": "120;300;80",
        "lodging_catering_revenue_h1": "30000000",
        "lodging_catering_growth_h1": "18",
        "online_retail_sales_h1": "60000000",
        "online_retail_growth_h1": "30",
        "tourism_show_performances_h1": 120,
        "travel_groups": [{"guests": 300, "nights": 2, "scenic_spots": 2, "district_hotel": True}],
        "award_winner_sales_h1": "3000000",
    }
    fast = evaluate(facts, date(2024, 7, 15))
    assert len({a.measure for a in fast.awards}) >= 12
    assert all(a.reason for a in fast.awards)
    assert _fast(facts, date(2024, 7, 15)) == _reference(facts, date(2024, 7, 15))


def test_two_awards_with_the_same_tier_but_different_facts_are_not_equal() -> None:
    """Award equality includes the (lazily rendered) reason, as it did when reason was a field."""
    one = evaluate({"transport_growth_jan_feb": "22"}, date(2024, 7, 15)).awards
    two = evaluate({"transport_growth_jan_feb": "23"}, date(2024, 7, 15)).awards
    assert one
    assert two
    assert one[0].tier == two[0].tier
    assert one[0].amount == two[0].amount
    assert one[0] != two[0]
    assert one[0] == evaluate({"transport_growth_jan_feb": "22"}, date(2024, 7, 15)).awards[0]


@pytest.mark.parametrize("as_of", AS_OFS)
def test_fast_and_reference_paths_agree_on_needs_for_each_measure_alone(as_of: date) -> None:
    for measure in RULES.measures:
        for fact in measure.facts:
            facts = {fact: "1"} if RULES.facts[fact].kind not in {"travel_groups"} else {fact: []}
            assert _fast(facts, as_of) == _reference(facts, as_of), (measure.number, fact)


def _reference_batch(rows: list[object], as_of: date) -> dict[str, Any]:
    """What a batch must give: each row alone through the reference path, ids checked in order."""
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        raw_id = row.get("id") if isinstance(row, Mapping) else None
        row_id = None if raw_id is None or str(raw_id).strip() == "" else str(raw_id).strip()
        if not isinstance(row, Mapping):
            errors.append(
                {
                    "index": index,
                    "id": None,
                    "code": "incentives.row",
                    "message": "每条记录应为字段到数值的映射",
                    "field": None,
                }
            )
            continue
        if row_id is None:
            errors.append(
                {
                    "index": index,
                    "id": None,
                    "code": "incentives.id_missing",
                    "message": "记录缺少企业标识(id)",
                    "field": "id",
                }
            )
            continue
        if row_id in seen:
            errors.append(
                {
                    "index": index,
                    "id": row_id,
                    "code": "incentives.id_duplicate",
                    "message": f"企业标识(id) {row_id} 重复",
                    "field": "id",
                }
            )
            continue
        seen.add(row_id)
        status, value = _reference(row, as_of)  # type: ignore[arg-type]
        if status == "ok":
            results.append({**value, "id": row_id})
        else:
            errors.append(
                {
                    "index": index,
                    "id": row_id,
                    "code": value[0],
                    "message": value[1],
                    "field": value[2],
                }
            )
    return {"results": results, "errors": errors}


@st.composite
def batches(draw: st.DrawFn) -> list[object]:
    """Rows as an export gives them: most with the same fields (so they are parsed as columns),
    values on, a fen under and over each threshold, growth with decimals, some bad values, a few
    rows with other fields, and ids missing, repeated, or rows that are no mapping at all."""
    shared = draw(st.lists(st.sampled_from(FACTS), unique=True, min_size=1, max_size=len(FACTS)))
    extra = draw(st.sampled_from([(), ("name",), ("名称",)]))
    rows: list[object] = []
    for i in range(draw(st.integers(min_value=1, max_value=14))):
        shape = draw(st.integers(min_value=0, max_value=9))
        if shape == 0:
            row: dict[str, object] = draw(enterprises(bad=True))
        else:
            row = {name: draw(_fact_value(name)) for name in shared}
            if shape == 1:
                row[draw(st.sampled_from(shared))] = draw(BAD)
            elif shape == 2:
                row["unknown_fact"] = "1"
        for name in extra:
            row[name] = f"企业{i}"
        ident = draw(st.sampled_from([f"E{i}", f"E{i}", f"E{i}", "E0", "", None, f" E{i} "]))
        if ident is not None:
            row = {"id": ident, **row}
        kind = draw(st.integers(min_value=0, max_value=19))
        rows.append(MappingProxyType(row) if kind == 0 else [row] if kind == 1 else row)
    return rows


@settings(max_examples=150, deadline=None)
@given(batches(), st.sampled_from(AS_OFS))
def test_a_batch_parsed_column_by_column_equals_the_reference_row_by_row(
    rows: list[object], as_of: date
) -> None:
    assert to_dict(evaluate_many(rows, as_of), detail=True) == _reference_batch(rows, as_of)  # type: ignore[arg-type]


def test_a_large_batch_of_boundary_values_equals_the_reference() -> None:
    """Every fact at, a fen (or a tenth of a point) under and over each threshold, in one batch."""
    rows: list[dict[str, object]] = []
    values: dict[str, list[object]] = {}
    for name in FACTS:
        kind = RULES.facts[name].kind
        if kind in {"area_list", "travel_groups"}:
            continue
        points = _thresholds(name) or [Decimal(0)]
        if kind == "count":
            values[name] = [str(max(int(t) + d, 0)) for t in points for d in (-1, 0, 1)]
        else:
            values[name] = [
                format(t + d, "f") for t in points for d in NEAR if kind == "percent" or t + d >= 0
            ]
    width = max(len(v) for v in values.values())
    for i in range(width * 3):
        row: dict[str, object] = {"id": f"E{i}"}
        for offset, (name, options) in enumerate(values.items()):
            row[name] = options[(i + offset) % len(options)]
        row["new_chain_store_areas"] = ["99.99", "100", "100.01", "199.99", "200", "200.01"][i % 6]
        row["travel_groups"] = [
            {"guests": 1000 + i % 3 - 1, "nights": 1, "scenic_spots": 2, "district_hotel": True}
        ]
        rows.append(row)
    assert to_dict(evaluate_many(rows, AS_OFS[1]), detail=True) == _reference_batch(rows, AS_OFS[1])  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(batches(), st.sampled_from(AS_OFS))
def test_the_summary_read_from_the_decisions_equals_the_awards_of_the_rows(
    rows: list[object], as_of: date
) -> None:
    """by_measure and total come from the batch's decisions before any row is built; they must
    count and add exactly what the rows, once read, and the reference path award."""
    batch = evaluate_many(rows, as_of)  # type: ignore[arg-type]
    summary = {m.measure: (m.count, m.total) for m in batch.by_measure()}
    total = batch.total
    expected: dict[int, tuple[int, Decimal]] = {
        m.number: (0, Decimal(0)) for m in RULES.measures if m.kind != "guidance"
    }
    for result in _reference_batch(rows, as_of)["results"]:
        for award in result["awards"]:
            count, amount = expected[award["measure"]]
            expected[award["measure"]] = (count + 1, amount + Decimal(award["amount"]))
    assert {m: (c, f"{t:.2f}") for m, (c, t) in summary.items()} == {
        m: (c, f"{t:.2f}") for m, (c, t) in expected.items()
    }
    assert total == sum((row.evaluation.total for row in batch.results), Decimal(0))
    assert f"{total:.2f}" == f"{sum((t for _, t in expected.values()), Decimal(0)):.2f}"


def test_rows_read_in_any_order_are_each_the_enterprise_evaluated_alone() -> None:
    """A batch builds its rows' objects when one is first read: the rows, read last to first
    and again, are the same objects, equal to evaluating each enterprise on its own."""
    as_of = AS_OFS[1]
    rows = [
        {
            "id": f"E{i}",
            "q1_investment": str(4_000_000 + i * 997_001),
            "transport_growth_jan_feb": str(i % 40 - 5),
        }
        for i in range(60)
    ]
    batch = evaluate_many(rows, as_of)
    first = [row.evaluation for row in reversed(batch.results)][::-1]
    assert [row.evaluation for row in batch.results] == first
    assert all(
        a is b for a, b in zip(first, [row.evaluation for row in batch.results], strict=True)
    )
    for row, evaluation in zip(rows, first, strict=True):
        alone = {k: v for k, v in row.items() if k != "id"}
        assert evaluation == evaluate(alone, as_of)
        assert evaluation_to_dict(evaluation, detail=True) == _reference(alone, as_of)[1] | {
            "id": None
        }


def test_a_large_export_with_repeated_values_and_tour_groups_equals_the_reference() -> None:
    """Over 1,000 rows whose growth rates and counts repeat (read once per distinct text), with
    texts that are equal numbers written differently ("12.5", "12.50", "1.25E1", " 12.5"), and
    tour groups shared between rows: every row as the reference path gives it."""
    growth = [
        "12.5",
        "12.50",
        "1.25E1",
        " 12.5",
        "0.5",
        "-0.5",
        "0",
        "-100",
        "15",
        "20",
        "19.9",
        "20.1",
    ]
    counts = ["0", "100", "99", "101", "7", "8", "9", "10"]
    groups = [
        {"guests": 1000, "nights": 1, "scenic_spots": 2, "district_hotel": True},
        {"guests": 30, "nights": 0, "scenic_spots": 1, "district_hotel": False},
        {"guests": 999, "nights": 2, "scenic_spots": 3, "district_hotel": True},
    ]
    rows: list[object] = [
        {
            "id": f"E{i}",
            "transport_growth_jan_feb": growth[i % len(growth)],
            "other_service_revenue_jan_feb": f"{5_000_000 + (i % 7) * 1_000_000}",
            "other_service_growth_jan_feb": growth[(i * 5) % len(growth)],
            "tourism_show_performances_h1": counts[i % len(counts)],
            "promotion_firms": counts[(i * 3) % len(counts)],
            "promotion_views": str(10_000 * (i % 30)),
            "promotion_online_sales": str(1_000_000 * (i % 12)),
            "promotion_costs": "50000",
            "travel_groups": [groups[(i + k) % 3] for k in range(i % 4)],
        }
        for i in range(1_200)
    ]
    assert to_dict(evaluate_many(rows, AS_OFS[1]), detail=True) == _reference_batch(rows, AS_OFS[1])  # type: ignore[arg-type]


def test_a_row_whose_unit_question_stops_a_measure_is_neither_paid_nor_counted() -> None:
    """With a rule set where 0.2 % already pays (the gazette's lowest growth tier is 5 %), a
    growth of 0.25 pays one amount read as percent and another read as a fraction: the measure
    asks instead of paying, and the summary read from the decisions does not count it."""
    import copy

    from chengqu.incentives.measures import TABLE, compile_rules
    from chengqu.rules import load_table

    table = copy.deepcopy(load_table(TABLE))
    measure = next(m for m in table["measures"] if m["number"] == 4)
    measure["tiers"][0]["when"][0]["value"] = "0.2"
    rules = compile_rules(table)
    rows = [
        {"id": "asked", "transport_growth_jan_feb": "0.25"},
        {"id": "plain", "transport_growth_jan_feb": "12"},
        {
            "id": "small",
            "transport_growth_jan_feb": "-0.5",
        },  # unclear, but both readings pay nothing
    ]
    batch = evaluate_many(rows, AS_OFS[1], rules=rules)
    summary = {m.measure: (m.count, m.total) for m in batch.by_measure(rules)}
    assert summary[4] == (1, Decimal(30000))
    assert batch.total == Decimal(30000)
    asked, plain, small = (row.evaluation for row in batch.results)
    assert asked.awards == ()
    assert [need.field for need in asked.needs] == ["transport_growth_jan_feb"]
    assert "单位不明" in asked.needs[0].message
    assert [award.amount for award in plain.awards] == [Decimal(30000)]
    assert small.awards == ()
    assert any("按百分数即-0.5%理解" in note for note in small.notes)


def test_the_reference_shares_only_the_rule_tables_with_the_engine() -> None:
    """The oracle imports the rule tables (chengqu.incentives.measures) and common types, no
    engine module: a mistake in the engine's rules, parser or texts cannot pass in both."""
    import ast
    from pathlib import Path

    source = Path(reference.__file__).read_text(encoding="utf-8")
    imported: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.setdefault(node.module, set()).update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported.setdefault(alias.name, set())
    ours = {m for m in imported if m.split(".")[0] == "chengqu"}
    assert ours == {"chengqu.common", "chengqu.incentives.measures"}
    assert imported["chengqu.common"] <= {"Citation", "DomainError", "round_fen"}


def test_the_reference_reads_each_comparison_word_itself() -> None:
    """A rule set whose derived comparison is wrong (以上 compiled as 超过) misleads the engine,
    not the oracle, which reads the word: at exactly 5000万元 only the reference pays."""
    import dataclasses
    import operator

    measure = RULES.measure(1)
    tier = measure.tiers[0]
    wrong = tuple(dataclasses.replace(c, op=operator.gt) for c in tier.conditions)
    tier = dataclasses.replace(
        tier, conditions=wrong, checks=tuple((c.fact, c.op, c.threshold) for c in wrong)
    )
    measures = tuple(
        dataclasses.replace(m, tiers=(tier,)) if m.number == 1 else m for m in RULES.measures
    )
    tampered = dataclasses.replace(RULES, measures=measures)
    facts = {"q1_investment": "50000000"}
    assert evaluate(facts, AS_OFS[1], rules=tampered).total == 0
    assert reference.evaluate(facts, AS_OFS[1], rules=tampered).total == Decimal(100000)
