"""Enterprise facts for the 开门红 measures: parsed, typed and checked, each error naming its field."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from itertools import accumulate, chain
from operator import itemgetter
from typing import NamedTuple

from chengqu.common import DomainError
from chengqu.incentives.measures import FactSpec, Rules

HUNDRED = Decimal(100)
ONE = Decimal(1)
LIST_SEPARATORS = (";", "；")
TRAVEL_GROUP_KEYS = ("guests", "nights", "scenic_spots", "district_hotel")
TRUE_WORDS = frozenset({"true", "是", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "否", "no", "n", "0"})
# Fields a row may carry that are not facts.
RESERVED = frozenset({"id", "name", "名称"})


class TravelGroup(NamedTuple):
    """One tour group a travel agency organised or received (measure 15).

    A named tuple: measure 15 looks each group up by value, and a tuple hashes in C.
    """

    guests: int
    nights: int
    scenic_spots: int
    district_hotel: bool


@dataclass(frozen=True, slots=True)
class ParsedFacts:
    """Facts by name, plus the growth values whose unit (percent or fraction) is unclear.

    ``values`` holds Decimal (money, percent, area), int (count), tuple[Decimal, ...]
    (area lists) or tuple[TravelGroup, ...]. A missing fact (absent or None/blank) is absent.
    """

    values: Mapping[str, object]
    unclear_percent: frozenset[str]


def _bad(code: str, name: str, label: str, message: str) -> DomainError:
    return DomainError(code, f"{label}({name}){message}", field=name)


def _number(value: object, name: str, label: str) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):
        raise _bad("incentives.type", name, label, "应为数值, 不能是真假值")
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        raise _bad(
            "incentives.float",
            name,
            label,
            '不能用浮点数给出, 请用十进制字符串或 Decimal (如 "1234.50")',
        )
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _bad("incentives.number", name, label, f"不是有效数值: {value!r}") from None
    else:
        raise _bad("incentives.type", name, label, f"类型不正确: {type(value).__name__}")
    if not number.is_finite():
        raise _bad("incentives.number", name, label, f"必须是有限数: {value!r}")
    return number


def _non_negative(value: object, name: str, label: str) -> Decimal:
    number = _number(value, name, label)
    if number < 0:
        raise _bad("incentives.negative", name, label, f"不能为负数: {number}")
    return number


def _count(value: object, name: str, label: str) -> int:
    number = _non_negative(value, name, label)
    if number != number.to_integral_value():
        raise _bad("incentives.integer", name, label, f"应为整数: {number}")
    return int(number)


def _percent(value: object, name: str, label: str) -> tuple[Decimal, bool]:
    """(percent, explicit): "25%" is explicit; a bare number is read in percent as documented."""
    explicit = False
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("%", "％")):
            value, explicit = text[:-1], True
    number = _number(value, name, label)
    if number < -HUNDRED:
        raise _bad("incentives.growth", name, label, f"增速不能低于-100%: {number}")
    return number, explicit


def _bool(value: object, name: str, label: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise _bad("incentives.bool", name, label, f"应为是/否: {value!r}")


def _area_list(value: object, name: str, label: str) -> tuple[Decimal, ...]:
    if isinstance(value, str):
        text = value
        for separator in LIST_SEPARATORS[1:]:
            text = text.replace(separator, LIST_SEPARATORS[0])
        items: list[object] = [part for part in text.split(LIST_SEPARATORS[0]) if part.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise _bad("incentives.type", name, label, "应为面积列表(多个门店用;分隔)")
    areas = []
    for index, item in enumerate(items):
        where = f"{name}[{index}]"
        area = _non_negative(item, where, label)
        if area == 0:
            raise _bad("incentives.area", where, label, "营业面积必须大于0")
        areas.append(area)
    return tuple(areas)


def _travel_groups(value: object, name: str, label: str) -> tuple[TravelGroup, ...]:
    if not isinstance(value, list | tuple):
        raise _bad(
            "incentives.type",
            name,
            label,
            "应为团队列表, 每个团队含 guests、nights、scenic_spots、district_hotel",
        )
    groups = []
    for index, item in enumerate(value):
        where = f"{name}[{index}]"
        if not isinstance(item, Mapping):
            raise _bad(
                "incentives.type",
                where,
                label,
                "应为含 guests、nights、scenic_spots、district_hotel 的对象",
            )
        unknown = sorted(set(item) - set(TRAVEL_GROUP_KEYS))
        if unknown:
            raise _bad("incentives.unknown_field", f"{where}.{unknown[0]}", label, "是未知字段")
        missing = [key for key in TRAVEL_GROUP_KEYS if item.get(key) is None]
        if missing:
            raise _bad("incentives.missing", f"{where}.{missing[0]}", label, "缺少此项")
        groups.append(
            TravelGroup(
                guests=_count(item["guests"], f"{where}.guests", "团队人数"),
                nights=_count(item["nights"], f"{where}.nights", "入住晚数"),
                scenic_spots=_count(
                    item["scenic_spots"], f"{where}.scenic_spots", "游览A级收费景区数"
                ),
                district_hotel=_bool(
                    item["district_hotel"], f"{where}.district_hotel", "是否入住城区酒店"
                ),
            )
        )
    return tuple(groups)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def unknown_field(name: str, rules: Rules) -> DomainError:
    """The error for a field no measure uses, suggesting the nearest known name."""
    close = difflib.get_close_matches(name, list(rules.facts), n=1)
    hint = f", 是否应为 {close[0]}?" if close else ""
    return DomainError("incentives.unknown_field", f"未知字段: {name}{hint}", field=name)


def _parse_into(
    values: dict[str, object], unclear: set[str], name: str, raw: object, spec: FactSpec
) -> None:
    """One raw value typed into ``values`` (absent when blank); raises DomainError naming it."""
    if _blank(raw):
        return
    kind = spec.kind
    if kind == "money" or kind == "area":
        values[name] = _non_negative(raw, name, spec.label)
    elif kind == "percent":
        number, explicit = _percent(raw, name, spec.label)
        values[name] = number
        if not explicit and number != 0 and -ONE < number < ONE:
            unclear.add(name)
    elif kind == "count":
        values[name] = _count(raw, name, spec.label)
    elif kind == "area_list":
        values[name] = _area_list(raw, name, spec.label)
    else:
        values[name] = _travel_groups(raw, name, spec.label)


def parse_facts(facts: Mapping[str, object], rules: Rules) -> ParsedFacts:
    """Typed facts from raw values; raises DomainError naming the first bad field.

    The reference parser (plain, value by value); ``parse_facts_fast`` must give the same.

    Source: 城政办发〔2024〕5号 (fact names: docs, issue 7 §2)
    """
    values: dict[str, object] = {}
    unclear: set[str] = set()
    specs = rules.facts
    for name, raw in facts.items():
        spec = specs.get(name)
        if spec is None:
            if name in RESERVED:
                continue
            raise unknown_field(str(name), rules)
        _parse_into(values, unclear, name, raw, spec)
    return ParsedFacts(values, frozenset(unclear))


def _plain_travel_groups(items: list[object]) -> tuple[TravelGroup, ...] | None:
    """Tour groups given exactly as documented (four keys, non-negative ints, a bool), else None."""
    groups = []
    for item in items:
        if type(item) is not dict or len(item) != 4:
            return None
        guests = item.get("guests")
        nights = item.get("nights")
        spots = item.get("scenic_spots")
        hotel = item.get("district_hotel")
        if (
            type(guests) is not int
            or type(nights) is not int
            or type(spots) is not int
            or type(hotel) is not bool
            or guests < 0
            or nights < 0
            or spots < 0
        ):
            return None
        key = (guests, nights, spots, hotel)
        groups.append(_GROUPS.get(key) or _shared_group(key))
    return tuple(groups)


# Tour groups are immutable values: one instance per distinct group, shared by the rows that
# give it: fewer objects to build, to keep in memory and for the collector to track.
_GROUPS: dict[tuple[int, int, int, bool], TravelGroup] = {}


def parse_facts_fast(facts: Mapping[str, object], rules: Rules) -> ParsedFacts:
    """``parse_facts`` with a fast lane for the common case (a plain, valid, non-negative number).

    A value takes the fast lane only when ``Decimal(value)`` reads it as is and it passes the
    checks of its kind; anything else (blank, "25%", "1,234", a list, a bad value) goes through
    the reference parser, so results and errors are the reference's, field for field.

    Source: 城政办发〔2024〕5号 (fact names: docs, issue 7 §2)
    """
    values: dict[str, object] = {}
    unclear: set[str] = set()
    specs = rules.facts
    for name, raw in facts.items():
        spec = specs.get(name)
        if spec is None:
            if name in RESERVED:
                continue
            raise unknown_field(str(name), rules)
        kind = spec.kind
        kind_of = type(raw)
        number: Decimal | None = None
        if kind_of is str or kind_of is int:
            try:
                number = Decimal(raw)  # type: ignore[arg-type]
            except InvalidOperation:
                number = None
        elif kind_of is Decimal:
            number = raw  # type: ignore[assignment]
        if number is not None and number.is_finite():
            if kind == "money" or kind == "area":
                if number >= 0:
                    values[name] = number
                    continue
            elif kind == "percent":
                if number >= -HUNDRED:
                    values[name] = number
                    if number != 0 and -ONE < number < ONE:
                        unclear.add(name)
                    continue
            elif kind == "count" and number >= 0 and number == number.to_integral_value():
                values[name] = int(number)
                continue
        elif kind == "travel_groups" and kind_of is list:
            groups = _plain_travel_groups(raw)  # type: ignore[arg-type]
            if groups is not None:
                values[name] = groups
                continue
        _parse_into(values, unclear, name, raw, spec)
    return ParsedFacts(values, frozenset(unclear))


class _Slow:
    """Marks a value the column parser leaves to ``parse_facts_fast`` (the whole row goes there)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SLOW"


SLOW = _Slow()
_NUMBER_TYPES = frozenset({str, int, Decimal})


def _lane(kind: str, raw: object) -> object:
    """One value as ``parse_facts_fast`` types it in its fast lane, or SLOW."""
    kind_of = type(raw)
    if kind_of is str or kind_of is int:
        try:
            number = Decimal(raw)  # type: ignore[arg-type]
        except InvalidOperation:
            return SLOW
    elif kind_of is Decimal:
        number = raw  # type: ignore[assignment]
    elif kind == "travel_groups" and kind_of is list:
        groups = _plain_travel_groups(raw)  # type: ignore[arg-type]
        return SLOW if groups is None else groups
    else:
        return SLOW
    if not number.is_finite():
        return SLOW
    if kind == "money" or kind == "area":
        return number if number >= 0 else SLOW
    if kind == "percent":
        return number if number >= -HUNDRED else SLOW
    if kind == "count":
        return int(number) if number >= 0 and number == number.to_integral_value() else SLOW
    return SLOW


def _area_list_lane(raw: object, spec: FactSpec) -> object:
    """One area list as ``_area_list`` reads it, or SLOW (the per-row parser then decides)."""
    if type(raw) is not str or not raw.strip():
        return SLOW
    if "；" not in raw and "," not in raw and "，" not in raw:
        try:
            areas = tuple(map(Decimal, raw.split(";")))
            if areas and min(areas) > 0 and max(areas).is_finite():
                return areas
        except (InvalidOperation, ValueError):
            pass  # a blank part, NaN...: the plain reader below decides
    try:
        return _area_list(raw, spec.name, spec.label)
    except DomainError:
        return SLOW


def _decimals(column: list[object], all_text: bool) -> list[Decimal]:
    """``Decimal(value)`` for each value; text read once per distinct text when values repeat.

    Statistics exports repeat values (growth rates to one decimal, counts), and a dictionary
    lookup costs a tenth of reading a Decimal; whether they repeat is judged on the first
    values. Only for text: 1 and Decimal("1.0") are equal keys but not the same Decimal.
    """
    if all_text and len(column) > 1000 and len(set(column[:400])) < 360:
        read = {text: Decimal(text) for text in set(column)}  # type: ignore[arg-type]
        return list(map(read.__getitem__, column))
    return list(map(Decimal, column))  # type: ignore[arg-type]


_GROUP_FIELDS = tuple(map(itemgetter, TRAVEL_GROUP_KEYS))
_NEW_GROUP = partial(tuple.__new__, TravelGroup)


def _shared_group(key: tuple[int, int, int, bool]) -> TravelGroup:
    """The one instance for a group not yet seen (see _GROUPS); the key's types are checked."""
    if len(_GROUPS) > 100_000:
        _GROUPS.clear()
    group = _GROUPS[key] = _NEW_GROUP(key)
    return group


def _travel_group_column(column: list[object]) -> list[object] | None:
    """A whole column of tour-group lists given exactly as documented, read in a few passes.

    Every row a list, every group a dict of exactly the four keys, counts plain non-negative
    ints and the hotel a bool; otherwise None (then each row is read on its own).
    """
    if set(map(type, column)) != {list}:
        return None
    flat: list[dict[str, object]] = list(chain.from_iterable(column))  # type: ignore[arg-type]
    if not flat:
        return [() for _ in column]
    if set(map(type, flat)) != {dict} or set(map(len, flat)) != {4}:
        return None
    try:
        guests, nights, spots, hotel = (list(map(field, flat)) for field in _GROUP_FIELDS)
    except KeyError:
        return None
    for counts in (guests, nights, spots):
        if set(map(type, counts)) != {int} or min(counts) < 0:
            return None
    if set(map(type, hotel)) != {bool}:
        return None
    # One instance per distinct group (the types are checked above, so equal keys are equal
    # groups): far fewer objects for the collector to track, and less memory.
    known = _GROUPS
    groups = [
        known.get(key) or _shared_group(key)
        for key in zip(guests, nights, spots, hotel, strict=True)
    ]
    ends = list(accumulate(map(len, column)))  # type: ignore[arg-type]
    return [tuple(groups[start:end]) for start, end in zip([0, *ends[:-1]], ends, strict=True)]


def parse_column(spec: FactSpec, column: list[object]) -> tuple[list[object], list[int], list[int]]:
    """One fact for many rows: each value typed as ``parse_facts_fast`` would, or SLOW.

    Returns the values, the positions whose growth value is unclear (percent or fraction) and
    the positions holding SLOW. A column of plain valid numbers is converted and checked in a
    few whole-column passes; a column with anything else is taken value by value. SLOW means
    "let ``parse_facts_fast`` see this row": it gives the same value, the blank, or the error
    naming the field.

    Source: 城政办发〔2024〕5号 (fact names: docs, issue 7 §2)
    """
    kind = spec.kind
    if kind == "area_list":
        values = [_area_list_lane(raw, spec) for raw in column]
        return values, [], [i for i, value in enumerate(values) if value is SLOW]
    if kind == "travel_groups":
        whole = _travel_group_column(column)
        if whole is not None:
            return whole, [], []
    types = set(map(type, column))
    if kind in {"money", "area", "percent", "count"} and types <= _NUMBER_TYPES and column:
        try:
            numbers = _decimals(column, types == {str})
            low, high = min(numbers), max(numbers)
            plain = high.is_finite() and low >= (-HUNDRED if kind == "percent" else 0)
        except (InvalidOperation, ValueError, TypeError):
            plain = False
        if plain:
            if kind == "percent":
                unclear = [
                    i for i, number in enumerate(numbers) if -ONE < number < ONE and number != 0
                ]
                return numbers, unclear, []  # type: ignore[return-value]
            if kind != "count":
                return numbers, [], []  # type: ignore[return-value]
            if list(map(Decimal.to_integral_value, numbers)) == numbers:
                return list(map(int, numbers)), [], []
    values = [_lane(kind, raw) for raw in column]
    unclear = []
    if kind == "percent":
        unclear = [
            i
            for i, number in enumerate(values)
            if number is not SLOW and -ONE < number < ONE and number != 0  # type: ignore[operator]
        ]
    return values, unclear, [i for i, value in enumerate(values) if value is SLOW]
