"""Does the emission-reduction list (应急减排清单) reach the share 4.3 demands, level by level?

4.3: SO2, NOx, particulate matter and VOCs must each be cut, during yellow, orange and red
warnings, by at least 20 %, 30 % and 40 % of the district-wide (全社会) emissions. The list gives
each enterprise's expected reductions per response level; an enterprise exempted by an approved
4.4 exemption contributes nothing to the level (its reductions are not counted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from chengqu.air.measures import RESPONSES, plan_table, reduction_target
from chengqu.common.decision import Citation
from chengqu.common.errors import DomainError

POLLUTANTS: tuple[str, ...] = ("so2", "nox", "pm", "vocs")
POLLUTANT_LABELS = {"so2": "二氧化硫", "nox": "氮氧化物", "pm": "颗粒物", "vocs": "挥发性有机物"}
RESPONSE_LEVEL = {"III": "yellow", "II": "orange", "I": "red"}
LEVEL_LABEL = {"yellow": "黄色预警", "orange": "橙色预警", "red": "红色预警"}
TONNE = Decimal("0.001")
PERCENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One enterprise of the list: annual emissions and expected reductions per response (t/a)."""

    name: str
    emissions: Mapping[str, Decimal]
    reductions: Mapping[str, Mapping[str, Decimal]]  # response → pollutant → tonnes
    exempt_responses: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ReductionCheck:
    response: str
    level: str
    pollutant: str
    target_percent: Decimal
    district_total: Decimal | None
    reduced: Decimal
    share_percent: Decimal | None  # None when the district total is unknown or zero
    met: bool
    shortfall: Decimal  # tonnes still missing to reach the target (0 when met)
    citation: Citation

    @property
    def label(self) -> str:
        return f"{LEVEL_LABEL[self.level]}·{POLLUTANT_LABELS[self.pollutant]}"


def validate_entry(entry: ListEntry) -> None:
    """Reductions are non-negative and never exceed what the enterprise emits."""
    for pollutant in POLLUTANTS:
        emitted = entry.emissions.get(pollutant, Decimal(0))
        if emitted < 0:
            raise DomainError(
                "air.emission_negative",
                f"{entry.name} 的{POLLUTANT_LABELS[pollutant]}年排放量不能为负数",
                field=pollutant,
            )
        for response, values in entry.reductions.items():
            if response not in RESPONSES:
                raise DomainError(
                    "air.response", f"响应级别应为 III/II/I: {response}", field="response"
                )
            cut = values.get(pollutant, Decimal(0))
            if cut < 0:
                raise DomainError(
                    "air.reduction_negative",
                    f"{entry.name} 的{POLLUTANT_LABELS[pollutant]}减排量不能为负数",
                    field=pollutant,
                )
            if cut > emitted:
                raise DomainError(
                    "air.reduction_exceeds",
                    f"{entry.name} 在{LEVEL_LABEL[RESPONSE_LEVEL[response]]}下的{POLLUTANT_LABELS[pollutant]}减排量 {cut} 吨超过其年排放量 {emitted} 吨",
                    field=pollutant,
                )


def check_reductions(
    district_total: Mapping[str, Decimal | None], entries: Iterable[ListEntry]
) -> tuple[ReductionCheck, ...]:
    """For each response level and pollutant: the list's reduction, its share, met or not, the shortfall.

    "达到…以上" includes the target itself. Source: 城政办发〔2024〕1号 4.3, 4.4(5)(7)(8).
    """
    table = plan_table()
    citation = Citation(
        str(table["document"]["number"]),
        str(table["reduction"]["clause"]),
        str(table["reduction"]["text"]),
    )
    listed = list(entries)
    for entry in listed:
        validate_entry(entry)
    results = []
    for response in RESPONSES:
        target = reduction_target(response)
        for pollutant in POLLUTANTS:
            reduced = sum(
                (
                    e.reductions.get(response, {}).get(pollutant, Decimal(0))
                    for e in listed
                    if response not in e.exempt_responses
                ),
                Decimal(0),
            ).quantize(TONNE)
            total = district_total.get(pollutant)
            if total is None or total <= 0:
                results.append(
                    ReductionCheck(
                        response,
                        RESPONSE_LEVEL[response],
                        pollutant,
                        target,
                        total,
                        reduced,
                        None,
                        met=False,
                        shortfall=Decimal(0),
                        citation=citation,
                    )
                )
                continue
            share = (reduced * 100 / total).quantize(PERCENT, rounding=ROUND_HALF_UP)
            needed = total * target / 100
            met = reduced * 100 >= total * target
            shortfall = (
                Decimal(0) if met else (needed - reduced).quantize(TONNE, rounding="ROUND_UP")
            )
            results.append(
                ReductionCheck(
                    response,
                    RESPONSE_LEVEL[response],
                    pollutant,
                    target,
                    total,
                    reduced,
                    share,
                    met,
                    shortfall,
                    citation,
                )
            )
    return tuple(results)
