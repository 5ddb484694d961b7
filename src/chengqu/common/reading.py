"""How the gazette's comparison words read, written down once.

民法典 第一千二百五十九条: "民法所称的'以上'、'以下'、'以内'、'届满', 包括本数; 所称的'不满'、'超过'、
'以外', 不包括本数." Rule tables name the word they use; this module turns it into a comparison.
A tier written "a—b" is the half-open interval [a, b): the next tier starts at b.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from chengqu.common.decision import Citation
from chengqu.common.errors import DomainError

CIVIL_CODE_1259 = Citation(
    document="中华人民共和国民法典",
    clause="art_1259",
    text="民法所称的“以上”、“以下”、“以内”、“届满”,包括本数;所称的“不满”、“超过”、“以外”,不包括本数。",
)


class Reading(Enum):
    """A comparison word and the comparison it means; value is (word, operator name)."""

    AT_LEAST = ("以上", "ge")  # x 以上: x included
    AT_MOST = ("以下", "le")  # x 以下: x included
    WITHIN = ("以内", "le")  # x 以内: x included
    EXCEEDING = ("超过", "gt")  # 超过 x: x excluded
    BELOW = ("不满", "lt")  # 不满 x: x excluded
    SHORT_OF = ("不足", "lt")  # 不足 x: read as 不满
    HIGHER_THAN = ("高于", "gt")  # 高于 x: x excluded
    LOWER_THAN = ("低于", "lt")  # 低于 x: x excluded
    REACHING = ("达到", "ge")  # 达到 x / 满 x: x included

    @property
    def word(self) -> str:
        return self.value[0]

    def holds(self, value: Decimal | int, threshold: Decimal | int) -> bool:
        """Whether ``value`` satisfies "<threshold><word>" (or "<word><threshold>")."""
        return _OPS[self.value[1]](value, threshold)

    @classmethod
    def from_word(cls, word: str) -> Reading:
        for reading in cls:
            if reading.word == word:
                return reading
        if word == "满":
            return cls.REACHING
        if word == "超":
            return cls.EXCEEDING
        raise DomainError("reading.unknown", f"未定义的比较用语: {word}")


_OPS: dict[str, Callable[[Decimal | int, Decimal | int], bool]] = {
    "ge": operator.ge,
    "le": operator.le,
    "gt": operator.gt,
    "lt": operator.lt,
}


@dataclass(frozen=True, slots=True)
class Band:
    """A tier's range: lower bound included, upper bound excluded, either may be open."""

    lower: Decimal | None = None
    upper: Decimal | None = None

    def __post_init__(self) -> None:
        if self.lower is not None and self.upper is not None and self.upper <= self.lower:
            raise DomainError("reading.band", f"区间上限必须大于下限: [{self.lower}, {self.upper})")

    def contains(self, value: Decimal | int) -> bool:
        if self.lower is not None and value < self.lower:
            return False
        return not (self.upper is not None and value >= self.upper)

    def label(self) -> str:
        low = "" if self.lower is None else f"{self.lower}(含)"
        high = "" if self.upper is None else f"{self.upper}(不含)"
        return f"{low}—{high}"
