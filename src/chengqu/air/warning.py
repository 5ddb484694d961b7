"""Heavy-pollution warning decisions of the district plan: issue, upgrade, keep, downgrade, release.

The evaluation series has one value per hour, each a "daily AQI" (a 24-hour mean): a forecast
daily value stands for 24 hours; hourly AQI values become their 24-hour running mean (plan 3.1:
连续24小时滑动平均, across midnight). "Above X for N hours" is an unbroken run of at least N values
above X; an NA hour breaks a run. Each hour gets the highest level whose start condition a run
through that hour satisfies; that per-hour profile drives every decision.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from functools import cache
from typing import Any

import numpy as np

from chengqu.air.measures import Measure, measures_for, plan_table, reduction_target
from chengqu.air.series import HourlyPanel, running_daily_aqi
from chengqu.common.decision import Citation
from chengqu.common.errors import DomainError
from chengqu.rules import cite, dec


class WarningLevel(StrEnum):
    """Warning levels of 3.1, lowest first."""

    NONE = "none"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        return _LABEL[self]


_RANK = {WarningLevel.NONE: 0, WarningLevel.YELLOW: 1, WarningLevel.ORANGE: 2, WarningLevel.RED: 3}
_LABEL = {
    WarningLevel.NONE: "无预警",
    WarningLevel.YELLOW: "黄色预警",
    WarningLevel.ORANGE: "橙色预警",
    WarningLevel.RED: "红色预警",
}
_BY_RANK = {v: k for k, v in _RANK.items()}


class Action(StrEnum):
    ISSUE = "issue"
    UPGRADE = "upgrade"
    KEEP = "keep"
    DOWNGRADE = "downgrade"
    RELEASE = "release"
    NONE = "none"


class Episode(StrEnum):
    """The primary pollutant of the forecast episode (3.1 (1) PM2.5, 3.1 (2) O3)."""

    PM25 = "pm25"
    O3 = "o3"


@dataclass(frozen=True, slots=True)
class EvaluationSeries:
    """Hourly "daily AQI" values (None = NA); hours before ``forecast_start`` are observed history."""

    values: tuple[int | None, ...]
    forecast_start: int = 0
    source: str = "hourly"

    def __post_init__(self) -> None:
        if not self.values or self.forecast_start >= len(self.values):
            raise DomainError("air.forecast_empty", "预测序列为空, 无法判断预警", field="forecast")
        if self.forecast_start < 0:
            raise DomainError("air.forecast_start", "预测起点不能为负数", field="forecast_start")

    @property
    def forecast_hours(self) -> int:
        return len(self.values) - self.forecast_start


@dataclass(frozen=True, slots=True)
class Condition:
    above: int
    hours: int

    def describe(self) -> str:
        if self.hours <= 1:
            return f"日AQI>{self.above}"
        return f"日AQI>{self.above}持续{self.hours}小时及以上"


@dataclass(frozen=True, slots=True)
class LevelRule:
    episode: Episode
    level: WarningLevel
    combine: str
    conditions: tuple[Condition, ...]
    citation: Citation


@dataclass(frozen=True, slots=True)
class Run:
    """An unbroken run of hours whose value is above ``above`` (hour offsets into the series)."""

    above: int
    start: int
    hours: int

    @property
    def end(self) -> int:
        return self.start + self.hours - 1


@dataclass(frozen=True, slots=True)
class Reason:
    """Why: a condition of a level and the run that satisfied it (or the longest run short of it)."""

    level: WarningLevel
    condition: Condition
    run: Run | None
    met: bool
    citation: Citation
    forecast_start: int = 0
    summary: str = ""

    def text(self) -> str:
        if self.summary:
            return self.summary
        if self.run is None:
            return f"{self.level.label}条件“{self.condition.describe()}”: 预测中无 AQI>{self.condition.above} 的时段"
        start = self.run.start - self.forecast_start
        verdict = "满足" if self.met else "未满足"
        return (
            f"{self.level.label}条件“{self.condition.describe()}”{verdict}: 自预测第 {start} 小时起连续 "
            f"{self.run.hours} 小时 AQI>{self.condition.above}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level.value,
            "condition": {"above": self.condition.above, "hours": self.condition.hours},
            "met": self.met,
            "run": None
            if self.run is None
            else {
                "start": self.run.start - self.forecast_start,
                "hours": self.run.hours,
            },
            "clause": self.citation.clause,
            "text": self.text(),
        }


@dataclass(frozen=True, slots=True)
class WarningDecision:
    """The warning level to hold, the action that gets there, and what the response demands."""

    level: WarningLevel
    action: Action
    response: str | None
    reduction_target_percent: int | None
    measures: tuple[Measure, ...]
    reasons: tuple[Reason, ...]
    forecast_level: WarningLevel
    hourly_levels: tuple[WarningLevel, ...]
    citations: tuple[Citation, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The `chengqu air warn --json` document."""
        return {
            "level": self.level.value,
            "action": self.action.value,
            "response": self.response,
            "reduction_target_percent": self.reduction_target_percent,
            "measures": [m.to_json() for m in self.measures],
            "reasons": [r.to_json() for r in self.reasons],
            "citations": [
                {"document": c.document, "clause": c.clause, "text": c.text} for c in self.citations
            ],
            "forecast_level": self.forecast_level.value,
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------- rules from the table


@cache
def level_rules(episode: Episode) -> tuple[LevelRule, ...]:
    """The start conditions of 3.1 for an episode, highest level first."""
    table = plan_table()
    rules = [
        LevelRule(
            episode=Episode(w["episode"]),
            level=WarningLevel(w["level"]),
            combine=str(w["combine"]),
            conditions=tuple(
                Condition(int(dec(c["above"])), int(c["hours"])) for c in w["conditions"]
            ),
            citation=cite(table, w),
        )
        for w in table["warning"]
        if w["episode"] == episode.value
    ]
    return tuple(sorted(rules, key=lambda r: -r.level.rank))


def _plan_citation(section: str, text_key: str = "text", clause_key: str = "clause") -> Citation:
    table = plan_table()
    entry = table[section]
    return Citation(
        str(table["document"]["number"]), str(entry[clause_key]), str(entry.get(text_key, ""))
    )


def response_of(level: WarningLevel) -> str | None:
    """The response level a warning starts: yellow Ⅲ, orange Ⅱ, red Ⅰ. Source: 城政办发〔2024〕1号 4.1."""
    for entry in plan_table()["response"]:
        if entry["level"] == level.value:
            return str(entry["response"])
    return None


# ---------------------------------------------------------------- evaluation series


def _number(value: object, where: str) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise DomainError("air.invalid", f"{where} 不是数值: {value!r}", field=where)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        value = repr(value)
    text = str(value).strip()
    if text.upper() in ("", "NA", "NAN"):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise DomainError("air.invalid", f"{where} 不是数值: {value!r}", field=where) from None
    if not number.is_finite():
        raise DomainError("air.invalid", f"{where} 必须是有限数: {value!r}", field=where)
    if number < 0:
        raise DomainError("air.negative", f"{where} 不能为负数: {value}", field=where)
    return Fraction(number)


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def evaluation_from_daily(values: Sequence[object], *, observed_days: int = 0) -> EvaluationSeries:
    """Forecast daily AQI values, each standing for 24 hours (plan 3.1: 日AQI).

    Source: 城政办发〔2024〕1号 3.1(1).
    """
    hours = int(plan_table()["evaluation"]["hours_per_daily_value"])
    series: list[int | None] = []
    for i, value in enumerate(values):
        number = _number(value, f"daily[{i}]")
        series.extend([None if number is None else _ceil(number)] * hours)
    if not series:
        raise DomainError("air.forecast_empty", "预测序列为空, 无法判断预警", field="daily")
    return EvaluationSeries(tuple(series), forecast_start=observed_days * hours, source="daily")


def evaluation_from_hourly_aqi(
    values: Sequence[object], *, observed_hours: int = 0
) -> EvaluationSeries:
    """The 24-hour running mean of hourly AQI values (at least 20 valid in the window), rounded up.

    Rounding up keeps every comparison "> X" (X an integer) exactly as on the unrounded mean.
    Source: 城政办发〔2024〕1号 3.1(1) (连续24小时滑动平均); GB 3095-2012 表4 (20 of 24 hours).
    """
    evaluation = plan_table()["evaluation"]
    window, minimum = int(evaluation["window_hours"]), int(evaluation["min_hours_in_window"])
    numbers = [_number(v, f"hourly[{i}]") for i, v in enumerate(values)]
    series: list[int | None] = []
    for t in range(len(numbers)):
        window_values = [n for n in numbers[max(0, t - window + 1) : t + 1] if n is not None]
        if len(window_values) < minimum:
            series.append(None)
        else:
            series.append(_ceil(sum(window_values, Fraction(0)) / len(window_values)))
    return EvaluationSeries(tuple(series), forecast_start=observed_hours, source="hourly_aqi")


def evaluation_from_running_aqi(
    values: Sequence[object], *, observed_hours: int = 0
) -> EvaluationSeries:
    """A series that already is the running 24-hour daily AQI, one value per hour (NaN/None = NA)."""
    series = []
    for i, value in enumerate(values):
        number = _number(value, f"hourly[{i}]")
        series.append(None if number is None else _ceil(number))
    return EvaluationSeries(tuple(series), forecast_start=observed_hours, source="running_aqi")


def evaluation_from_concentrations(
    panel: HourlyPanel, *, observed_hours: int = 0
) -> EvaluationSeries:
    """The running daily AQI of the district from hourly concentrations of its stations.

    Stations are averaged hour by hour (the district's concentration), then the 24-hour running
    daily AQI is computed by HJ 633 (O3: the largest 8-h running mean in the trailing 24 h).
    Source: 城政办发〔2024〕1号 3.1(1); HJ 633-2012 5.1.
    """
    with np.errstate(invalid="ignore"):
        means = {k: _nanmean_rows(v) for k, v in panel.values.items()}
    district = HourlyPanel(stations=("城区",), start=panel.start, values=means)
    aqi = running_daily_aqi(district).result.aqi[0]
    return evaluation_from_running_aqi(
        [None if math.isnan(v) else int(v) for v in aqi], observed_hours=observed_hours
    )


def _nanmean_rows(
    values: np.ndarray[Any, np.dtype[np.float64]],
) -> np.ndarray[Any, np.dtype[np.float64]]:
    count = (~np.isnan(values)).sum(axis=0)
    total = np.nansum(values, axis=0)
    mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return mean[np.newaxis, :]


# ---------------------------------------------------------------- runs and levels


def runs_above(values: Sequence[int | None], above: int) -> tuple[Run, ...]:
    """Every unbroken run of values strictly above ``above`` (NA breaks a run)."""
    runs: list[Run] = []
    start: int | None = None
    for i, value in enumerate(values):
        if value is not None and value > above:
            if start is None:
                start = i
        elif start is not None:
            runs.append(Run(above, start, i - start))
            start = None
    if start is not None:
        runs.append(Run(above, start, len(values) - start))
    return tuple(runs)


def _qualifying(rule: LevelRule, values: Sequence[int | None]) -> list[tuple[Run, tuple[Run, ...]]]:
    """Runs that satisfy the rule, each with the runs (one per condition) that made it so."""
    found: list[tuple[Run, tuple[Run, ...]]] = []
    if rule.combine == "any":
        for condition in rule.conditions:
            found.extend(
                (run, (run,))
                for run in runs_above(values, condition.above)
                if run.hours >= condition.hours
            )
        return found
    envelope, *inner = sorted(rule.conditions, key=lambda c: c.above)
    inner_runs = [[r for r in runs_above(values, c.above) if r.hours >= c.hours] for c in inner]
    for run in runs_above(values, envelope.above):
        if run.hours < envelope.hours:
            continue
        witnesses = [
            next((r for r in rs if run.start <= r.start and r.end <= run.end), None)
            for rs in inner_runs
        ]
        if all(w is not None for w in witnesses):
            found.append((run, (run, *[w for w in witnesses if w is not None])))
    return found


def hourly_levels(series: EvaluationSeries, episode: Episode) -> tuple[WarningLevel, ...]:
    """For every hour, the highest level whose start condition a run through that hour satisfies.

    Source: 城政办发〔2024〕1号 3.1.
    """
    ranks = [0] * len(series.values)
    for rule in level_rules(episode):
        for run, _ in _qualifying(rule, series.values):
            for t in range(run.start, run.end + 1):
                ranks[t] = max(ranks[t], rule.level.rank)
    return tuple(_BY_RANK[r] for r in ranks)


def _reasons_for(rule: LevelRule, series: EvaluationSeries) -> tuple[Reason, ...]:
    """The runs that satisfy the rule in the forecast, or the longest run short of each condition."""
    fs = series.forecast_start
    qualifying = [(run, w) for run, w in _qualifying(rule, series.values) if run.end >= fs]
    if qualifying:
        _, witnesses = qualifying[0]
        conditions = (
            rule.conditions
            if rule.combine == "all"
            else tuple(
                c
                for c in rule.conditions
                if c.above == witnesses[0].above and witnesses[0].hours >= c.hours
            )[:1]
        )
        by_above = {w.above: w for w in witnesses}
        return tuple(
            Reason(
                rule.level,
                c,
                by_above.get(c.above),
                met=True,
                citation=rule.citation,
                forecast_start=fs,
            )
            for c in conditions
        )
    reasons = []
    for condition in rule.conditions:
        runs = [r for r in runs_above(series.values, condition.above) if r.end >= fs]
        longest = max(runs, key=lambda r: r.hours, default=None)
        reasons.append(
            Reason(
                rule.level, condition, longest, met=False, citation=rule.citation, forecast_start=fs
            )
        )
    return tuple(reasons)


# ---------------------------------------------------------------- the decision


def decide_warning(
    series: EvaluationSeries,
    *,
    episode: Episode | str = Episode.PM25,
    current: WarningLevel | str = WarningLevel.NONE,
    city_level: WarningLevel | str | None = None,
    dust: bool = False,
) -> WarningDecision:
    """The warning level the district should hold given the forecast, the current level and any city notice.

    - Start conditions (3.1): PM2.5 episodes red/orange/yellow, the highest met wins; O3 episodes
      yellow only. Only runs that reach into the forecast count.
    - Upgrade at once when a higher level is met (3.3). Downgrade when the forecast stays below the
      current level's start condition for 36 hours or more (36小时以上, 以上 includes 36), to the
      highest level the forecast still meets, never below yellow; release when the forecast is
      优良 (AQI ≤ 100) for 36 hours or more from its start. Otherwise keep the higher level (3.3:
      频繁波动时按高级别预警执行).
    - A city notice (市指挥部办公室通报) sets the level (3.2); ``city_level="none"`` is a city release.
    - Dust is outside the plan (1.4): no decision from it.

    Source: 城政办发〔2024〕1号 1.4, 3.1, 3.2, 3.3, 4.1, 4.2, 4.3.
    """
    kind = Episode(episode)
    held = WarningLevel(current)
    table = plan_table()
    document = str(table["document"]["number"])
    adjustment = table["adjustment"]
    citations: list[Citation] = []
    notes: list[str] = []
    profile = hourly_levels(series, kind)
    fs = series.forecast_start
    forecast_profile = profile[fs:]
    forecast_level = max(forecast_profile, key=lambda lv: lv.rank)
    na_hours = sum(1 for v in series.values[fs:] if v is None)
    if na_hours:
        notes.append(f"预测序列中有 {na_hours} 个小时为无效数据(NA), 视为中断连续时段")

    if dust:
        citations.append(_plan_citation("scope"))
        notes.append("沙尘天气不适用本预案(1.4), 本预案不据此发布、调整或解除预警")
        action = Action.NONE if held is WarningLevel.NONE else Action.KEEP
        return _decision(held, action, (), forecast_level, profile, citations, notes)

    if city_level is not None:
        city = WarningLevel(city_level)
        citations.append(_plan_citation("city_notice"))
        citations.append(
            Citation(document, str(adjustment["clause"]), str(adjustment["superior_text"]))
        )
        notes.append(f"按市指挥部办公室通报的{city.label}执行(3.2)")
        if forecast_level.rank > city.rank:
            notes.append(
                f"本区预测达到{forecast_level.label}启动条件, 高于市级通报; 请报市指挥部办公室"
            )
        separate = table["city_notice"]
        citations.append(
            Citation(document, str(separate["separate_clause"]), str(separate["separate_text"]))
        )
        return _decision(
            city, _transition(held, city), (), forecast_level, profile, citations, notes
        )

    rules = {rule.level: rule for rule in level_rules(kind)}
    if kind is Episode.O3:
        notes.append("臭氧为首要污染物时本预案仅设黄色预警启动条件(3.1(2))")

    # Upgrade or issue: a higher level is met.
    if forecast_level.rank > held.rank:
        rule = rules[forecast_level]
        citations.append(rule.citation)
        if held is not WarningLevel.NONE:
            citations.append(
                Citation(document, str(adjustment["clause"]), str(adjustment["upgrade_text"]))
            )
        action = Action.ISSUE if held is WarningLevel.NONE else Action.UPGRADE
        return _decision(
            forecast_level,
            action,
            _reasons_for(rule, series),
            forecast_level,
            profile,
            citations,
            notes,
        )

    if held is WarningLevel.NONE:
        lowest = min(rules.values(), key=lambda r: r.level.rank)
        citations.append(lowest.citation)
        return _decision(
            WarningLevel.NONE,
            Action.NONE,
            _reasons_for(lowest, series),
            forecast_level,
            profile,
            citations,
            notes,
        )

    # A warning is in force and the forecast meets no higher level.
    release_hours = int(adjustment["release_hours"])
    good = int(dec(adjustment["release_aqi_at_most"]))
    head = series.values[fs : fs + release_hours]
    if len(head) >= release_hours and all(v is not None and v <= good for v in head):
        citations.append(
            Citation(document, str(adjustment["clause"]), str(adjustment["release_text"]))
        )
        reason = Reason(
            held,
            Condition(good, release_hours),
            Run(good, fs, release_hours),
            met=True,
            citation=citations[-1],
            forecast_start=fs,
            summary=f"预测自起点起连续 {release_hours} 小时 AQI≤{good}(优良), 满足解除条件",
        )
        later = next(
            (lv for lv in forecast_profile[release_hours:] if lv is not WarningLevel.NONE), None
        )
        if later is not None:
            notes.append(
                f"预测 {release_hours} 小时后可能再次达到{later.label}启动条件, 届时重新发布"
            )
        return _decision(
            WarningLevel.NONE, Action.RELEASE, (reason,), forecast_level, profile, citations, notes
        )

    downgrade_hours = int(adjustment["downgrade_hours"])
    if forecast_level.rank < held.rank:
        citations.append(
            Citation(document, str(adjustment["clause"]), str(adjustment["downgrade_text"]))
        )
        if series.forecast_hours < downgrade_hours:
            notes.append(
                f"预测时长 {series.forecast_hours} 小时, 不足以确认改善持续 {downgrade_hours} 小时以上, 维持现有级别"
            )
            return _decision(
                held,
                Action.KEEP,
                _reasons_for(rules[held], series),
                forecast_level,
                profile,
                citations,
                notes,
            )
        target = _BY_RANK[max(forecast_level.rank, WarningLevel.YELLOW.rank)]
        if target is forecast_level and target is not WarningLevel.NONE:
            citations.append(rules[target].citation)
        if forecast_level is WarningLevel.NONE:
            notes.append(
                "预测未达黄色预警启动条件, 但未达到优良持续36小时以上的解除条件, 保留黄色预警"
            )
        reasons = _reasons_for(rules[held], series)
        if target is held:
            return _decision(held, Action.KEEP, reasons, forecast_level, profile, citations, notes)
        return _decision(
            target, Action.DOWNGRADE, reasons, forecast_level, profile, citations, notes
        )

    citations.append(rules[held].citation)
    citations.append(
        Citation(document, str(adjustment["clause"]), str(adjustment["fluctuation_text"]))
    )
    return _decision(
        held,
        Action.KEEP,
        _reasons_for(rules[held], series),
        forecast_level,
        profile,
        citations,
        notes,
    )


def _transition(held: WarningLevel, target: WarningLevel) -> Action:
    if target.rank == held.rank:
        return Action.NONE if target is WarningLevel.NONE else Action.KEEP
    if target is WarningLevel.NONE:
        return Action.RELEASE
    if held is WarningLevel.NONE:
        return Action.ISSUE
    return Action.UPGRADE if target.rank > held.rank else Action.DOWNGRADE


def _decision(
    level: WarningLevel,
    action: Action,
    reasons: tuple[Reason, ...],
    forecast_level: WarningLevel,
    profile: tuple[WarningLevel, ...],
    citations: list[Citation],
    notes: list[str],
) -> WarningDecision:
    table = plan_table()
    document = str(table["document"]["number"])
    response = response_of(level)
    measures: tuple[Measure, ...] = ()
    target: int | None = None
    if response is not None:
        measures = measures_for(response)
        target = int(reduction_target(response))
        entry = next(e for e in table["response"] if e["response"] == response)
        citations.append(Citation(document, str(entry["clause"]), str(entry["text"])))
        citations.append(_plan_citation("reduction"))
        citations.extend(m.citation for m in measures)
    return WarningDecision(
        level=level,
        action=action,
        response=response,
        reduction_target_percent=target,
        measures=measures,
        reasons=reasons,
        forecast_level=forecast_level,
        hourly_levels=profile,
        citations=tuple(dict.fromkeys(citations)),
        notes=tuple(dict.fromkeys(notes)),
    )
