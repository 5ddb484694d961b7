"""Enterprise facts for the 开门红 measures: parsed, typed and checked, each error naming its field."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from chengqu.common import DomainError
from chengqu.incentives.measures import Rules

HUNDRED = Decimal(100)
ONE = Decimal(1)
LIST_SEPARATORS = (";", "；")
TRAVEL_GROUP_KEYS = ("guests", "nights", "scenic_spots", "district_hotel")
TRUE_WORDS = frozenset({"true", "是", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "否", "no", "n", "0"})
# Fields a row may carry that are not facts.
RESERVED = frozenset({"id", "name", "名称"})


@dataclass(frozen=True, slots=True)
class TravelGroup:
    """One tour group a travel agency organised or received (measure 15)."""

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
            "incentives.float", name, label, "不能用浮点数给出, 请用十进制字符串或 Decimal (如 \"1234.50\")"
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
        raise _bad("incentives.type", name, label, "应为团队列表, 每个团队含 guests、nights、scenic_spots、district_hotel")
    groups = []
    for index, item in enumerate(value):
        where = f"{name}[{index}]"
        if not isinstance(item, Mapping):
            raise _bad("incentives.type", where, label, "应为含 guests、nights、scenic_spots、district_hotel 的对象")
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
                scenic_spots=_count(item["scenic_spots"], f"{where}.scenic_spots", "游览A级收费景区数"),
                district_hotel=_bool(item["district_hotel"], f"{where}.district_hotel", "是否入住城区酒店"),
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


def parse_facts(facts: Mapping[str, object], rules: Rules) -> ParsedFacts:
    """Typed facts from raw values; raises DomainError naming the first bad field.

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
        if _blank(raw):
            continue
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
    return ParsedFacts(values, frozenset(unclear))
