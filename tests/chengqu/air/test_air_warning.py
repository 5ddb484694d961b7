"""Warning decisions, case by case against 城政办发〔2024〕1号 3.1, 3.2, 3.3, 4.1, 4.3."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chengqu.air.warning import (
    Action,
    WarningLevel,
    decide_warning,
    evaluation_from_daily,
    evaluation_from_hourly_aqi,
    evaluation_from_running_aqi,
    runs_above,
)
from chengqu.common.errors import DomainError


def _daily(*values: int, current: str = "none", **kw: object) -> tuple[str, str]:
    d = decide_warning(evaluation_from_daily(values), current=current, **kw)  # type: ignore[arg-type]
    return d.level.value, d.action.value


def _hourly(values: list[int], current: str = "none", **kw: object) -> tuple[str, str]:
    d = decide_warning(evaluation_from_running_aqi(values), current=current, **kw)  # type: ignore[arg-type]
    return d.level.value, d.action.value


# ---- 3.1(1) start conditions for PM2.5-led episodes


def test_yellow_one_day_above_200() -> None:
    """3.1(1) 黄色预警: 以预测日 AQI > 200 ... 为启动条件."""
    assert _daily(201, 90) == ("yellow", "issue")


def test_day_at_exactly_200_is_not_above_200() -> None:
    """ ">200" excludes 200 (民法典 第1259条 reading of 大于/超过)."""
    assert _daily(200, 90) == ("none", "none")


def test_yellow_above_150_for_48_hours() -> None:
    """3.1(1) 黄色预警: 日 AQI > 150 持续48小时及以上."""
    assert _daily(151, 151, 90) == ("yellow", "issue")
    assert _hourly([151] * 48 + [90] * 10) == ("yellow", "issue")


def test_above_150_for_47_hours_is_not_yellow() -> None:
    assert _hourly([151] * 47 + [90] * 10) == ("none", "none")


def test_na_breaks_a_run() -> None:
    """ "持续" is an unbroken run: an NA hour splits 48 hours into two short runs."""
    values: list[int | None] = [151] * 24 + [None] + [151] * 24
    d = decide_warning(evaluation_from_running_aqi(values))
    assert d.level is WarningLevel.NONE
    assert any("NA" in n for n in d.notes)


def test_orange_above_200_for_48_hours() -> None:
    """3.1(1) 橙色预警: 预测 AQI 日均值 > 200 持续48小时."""
    assert _daily(201, 201, 90) == ("orange", "issue")


def test_orange_above_150_for_72_hours() -> None:
    """3.1(1) 橙色预警: 或日 AQI > 150 持续72小时及以上."""
    assert _daily(151, 151, 151) == ("orange", "issue")
    assert _hourly([151] * 71 + [90]) == ("yellow", "issue")


def test_red_needs_72_hours_above_200_and_24_above_300() -> None:
    """3.1(1) 红色预警: > 200 持续72小时且日 AQI > 300 持续24小时及以上."""
    assert _daily(250, 250, 301) == ("red", "issue")
    assert _daily(250, 250, 300) == ("orange", "issue")  # no day above 300
    assert _daily(301, 301, 150) == ("orange", "issue")  # only 48 h above 200


def test_red_needs_the_300_run_inside_the_200_run() -> None:
    """The two conditions describe one episode: a >300 day in another episode does not count."""
    assert _daily(301, 90, 250, 250, 250) == ("orange", "issue")


def test_highest_level_met_wins() -> None:
    d = decide_warning(evaluation_from_daily([310, 310, 310, 310]))
    assert (d.level, d.response, d.reduction_target_percent) == (WarningLevel.RED, "I", 40)
    assert {r.condition.above for r in d.reasons} == {200, 300}
    assert all(r.met for r in d.reasons)


# ---- 3.1(2) O3-led episodes


def test_ozone_episode_is_yellow_at_most() -> None:
    """3.1(2) 臭氧为首要污染物: 以预测到日 AQI > 200 或日 AQI > 150 持续48小时及以上作为启动条件."""
    assert _daily(310, 310, 310, 310, episode="o3") == ("yellow", "issue")
    assert _daily(151, 151, episode="o3") == ("yellow", "issue")
    assert _daily(151, 120, episode="o3") == ("none", "none")


# ---- 1.4 dust


def test_dust_is_outside_the_plan() -> None:
    """1.4 本预案适用于城区行政区域内除沙尘天气外的重污染天气."""
    d = decide_warning(evaluation_from_daily([400, 400, 400]), dust=True)
    assert (d.level, d.action) == (WarningLevel.NONE, Action.NONE)
    assert any("沙尘" in n for n in d.notes)
    assert d.citations[0].clause == "1.4"


# ---- 3.3 adjustment and release


def test_upgrade_at_once_when_a_higher_level_is_met() -> None:
    """3.3 当空气质量达到更高级别预警条件时,应及时提高预警级别."""
    assert _daily(201, 201, 90, current="yellow") == ("orange", "upgrade")


def test_keep_when_the_current_level_is_still_met() -> None:
    assert _daily(201, 201, current="orange") == ("orange", "keep")


def test_release_when_good_for_36_hours() -> None:
    """3.3 当预测空气质量改善达到优良级别,且将持续36小时以上时,可以解除预警."""
    assert _hourly([100] * 36, current="red") == ("none", "release")
    assert _hourly([100] * 35 + [101], current="red") != ("none", "release")


def test_release_starts_a_new_episode_if_one_is_forecast_later() -> None:
    d = decide_warning(evaluation_from_running_aqi([90] * 36 + [210] * 24), current="yellow")
    assert d.action is Action.RELEASE
    assert any("再次" in n for n in d.notes)


def test_downgrade_when_below_the_start_condition_for_36_hours() -> None:
    """3.3 当空气质量改善到相应级别预警启动标准以下,且预测将持续36小时以上的,可以降低预警级别."""
    assert _hourly([151] * 48 + [120] * 12, current="orange") == ("yellow", "downgrade")


def test_no_downgrade_on_a_forecast_shorter_than_36_hours() -> None:
    d = decide_warning(evaluation_from_running_aqi([130] * 30), current="orange")
    assert (d.level, d.action) == (WarningLevel.ORANGE, Action.KEEP)


def test_not_good_enough_to_release_keeps_yellow() -> None:
    """Below every start condition but not 优良: never released, never below yellow."""
    assert _hourly([130] * 48, current="orange") == ("yellow", "downgrade")
    assert _hourly([130] * 48, current="yellow") == ("yellow", "keep")


def test_swings_between_levels_keep_the_higher() -> None:
    """3.3 当环境空气质量指数在不同预警级别条件内频繁波动时,按高级别预警执行."""
    values = [210] * 48 + [160] * 30 + [210] * 48
    assert _hourly(values, current="orange") == ("orange", "keep")


def test_an_ongoing_episode_counts_its_observed_hours() -> None:
    """Observed hours before the forecast complete a run; a past episode alone does not count."""
    ongoing = evaluation_from_running_aqi([210] * 24 + [210] * 24, observed_hours=24)
    assert decide_warning(ongoing, current="orange").level is WarningLevel.ORANGE
    past = evaluation_from_running_aqi([210] * 48 + [90] * 40, observed_hours=48)
    d = decide_warning(past, current="orange")
    assert (d.level, d.action) == (WarningLevel.NONE, Action.RELEASE)


# ---- 3.2 city notice


def test_city_notice_sets_the_level() -> None:
    """3.2 当接到市指挥部办公室通报的区域预警信息时,按照市指挥部办公室通报的预警级别启动预警."""
    assert _daily(90, 90, city_level="orange") == ("orange", "issue")
    assert _daily(310, 310, 310, current="red", city_level="orange") == ("orange", "downgrade")
    assert _daily(90, 90, current="yellow", city_level="none") == ("none", "release")
    d = decide_warning(evaluation_from_daily([310, 310, 310]), city_level="yellow")
    assert any("高于市级通报" in n for n in d.notes)


# ---- 4.1 / 4.3 output


@pytest.mark.parametrize(
    ("days", "response", "target", "sprinkle"),
    [((201,), "III", 20, 3), ((201, 201), "II", 30, 4), ((250, 250, 301), "I", 40, 5)],
)
def test_response_target_and_measures_follow_the_level(
    days: tuple[int, ...], response: str, target: int, sprinkle: int
) -> None:
    """4.1 黄色Ⅲ级、橙色Ⅱ级、红色Ⅰ级; 4.3 减排比例 20%、30%、40%; 4.2 洒水 3/4/5 次."""
    d = decide_warning(evaluation_from_daily(days))
    assert (d.response, d.reduction_target_percent) == (response, target)
    sweeping = [m for m in d.measures if "sprinkling_times_per_day_at_least" in m.details]
    assert [m.details["sprinkling_times_per_day_at_least"] for m in sweeping] == [sprinkle]


def test_to_json_has_the_cli_shape() -> None:
    doc = decide_warning(evaluation_from_daily([201, 201])).to_json()
    assert {
        "level",
        "action",
        "response",
        "reduction_target_percent",
        "measures",
        "reasons",
        "citations",
    } <= doc.keys()
    assert (doc["level"], doc["action"], doc["response"], doc["reduction_target_percent"]) == (
        "orange",
        "issue",
        "II",
        30,
    )
    assert {"category", "text", "responsible", "citation"} <= doc["measures"][0].keys()
    assert doc["reasons"][0]["run"] == {"start": 0, "hours": 48}
    none = decide_warning(evaluation_from_daily([90])).to_json()
    assert (none["response"], none["reduction_target_percent"], none["measures"]) == (
        None,
        None,
        [],
    )


# ---- evaluation series


def test_hourly_aqi_becomes_its_24_hour_running_mean() -> None:
    """3.1(1) 按连续24小时(可以跨自然日)滑动平均值计算; 20 of 24 hours needed."""
    series = evaluation_from_hourly_aqi([100] * 12 + [300] * 12 + [100] * 12)
    assert series.values[:19] == (None,) * 19
    assert series.values[23] == 200
    assert series.values[24] == 200  # hours 1–24: (11·100 + 12·300 + 100) / 24
    # a mean of 100.04 is above 100 and is rounded up, so "> 100" reads the same either way
    assert evaluation_from_hourly_aqi([100] * 23 + [101]).values[23] == 101


@pytest.mark.parametrize("bad", [[-1], ["x"], [float("inf")]])
def test_bad_forecast_values_are_refused(bad: list[object]) -> None:
    with pytest.raises(DomainError):
        evaluation_from_daily(bad)


def test_empty_forecast_is_refused() -> None:
    with pytest.raises(DomainError) as err:
        evaluation_from_daily([])
    assert err.value.code == "air.forecast_empty"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.integers(min_value=0, max_value=500)), min_size=1, max_size=200
    ),
    st.integers(min_value=0, max_value=500),
)
def test_runs_cover_exactly_the_values_above(values: list[int | None], above: int) -> None:
    covered = {t for run in runs_above(values, above) for t in range(run.start, run.end + 1)}
    assert covered == {t for t, v in enumerate(values) if v is not None and v > above}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=8))
def test_higher_forecast_never_gives_a_lower_level(days: list[int]) -> None:
    base = decide_warning(evaluation_from_daily(days)).level.rank
    worse = decide_warning(evaluation_from_daily([d + 50 for d in days])).level.rank
    assert worse >= base
