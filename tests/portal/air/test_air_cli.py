"""`chengqu air aqi` and `chengqu air warn` hold the contracts of issue 4."""

import csv
import json
from datetime import datetime, timedelta

from click.testing import CliRunner

from chengqu.common import SHANGHAI
from portal.cli import cli


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_one_reading_gives_the_contract_fields_and_names_the_standard():
    result = invoke(
        "air",
        "aqi",
        "--report",
        "daily",
        "--date",
        "2024-05-01",
        "--pm25",
        "80",
        "--co",
        "0.9",
        "--json",
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["aqi"] == 107  # not python-aqi's 106
    assert body["iaqi"] == {"pm25": 107, "co": 23}  # CO 0.9 is not truncated to 0
    assert body["primary"] == ["PM2.5"]
    assert body["level"] == 3
    assert body["standard"] == "HJ 633-2012"
    assert set(body) >= {"aqi", "level", "category", "colour", "primary", "iaqi", "standard"}


def test_the_date_chooses_the_2026_table():
    body = json.loads(invoke("air", "aqi", "--date", "2026-03-01", "--pm25", "75", "--json").output)
    assert body["standard"] == "HJ 633—2026"
    assert body["aqi"] > 100


def test_a_daily_forecast_gives_a_warning_decision_with_measures_and_citations():
    result = invoke("air", "warn", "--daily", "160,210,180", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["level"] == "orange"  # AQI > 150 for 72 h (plan 3.1)
    assert body["action"] == "issue"
    assert body["response"] == "II"
    assert body["reduction_target_percent"] == 30
    assert body["measures"]
    assert all(m["citation"] for m in body["measures"])
    assert body["citations"]


def test_a_dust_episode_gets_no_warning_from_this_plan():
    body = json.loads(invoke("air", "warn", "--daily", "400,400,400", "--dust", "--json").output)
    assert body["level"] == "none"
    assert body["notes"]


def write_station_file(path, hours=48, override=None):
    start = datetime(2024, 1, 10, tzinfo=SHANGHAI)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["station", "time", "so2", "no2", "co", "o3", "pm10", "pm25"])
        for h in range(hours):
            t = (start + timedelta(hours=h)).strftime("%Y-%m-%d %H:%M")
            row = {"so2": "20", "no2": "40", "co": "1.2", "o3": "30", "pm10": "150", "pm25": "120"}
            row.update((override or {}).get(h, {}))
            writer.writerow(["城区站", t, *row.values()])


def test_a_station_file_gives_three_csv_reports(tmp_path):
    source = tmp_path / "hourly.csv"
    write_station_file(source)
    result = invoke("air", "aqi", str(source), "--out", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.output
    written = json.loads(result.output[result.output.index("{") :])
    assert set(written) == {"realtime", "running-daily", "daily"}
    assert written["realtime"]["rows"] == 48
    assert written["daily"]["rows"] == 2
    with open(written["daily"]["file"], encoding="utf-8-sig") as handle:
        days = list(csv.DictReader(handle))
    assert [d["aqi"] for d in days] == ["158", "158"]  # PM2.5 120 → IAQI 158


def test_a_file_missing_a_column_is_refused_by_name(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("station,time,so2\n城区站,2024-01-10 00:00,20\n", encoding="utf-8")
    result = invoke("air", "aqi", str(source))
    assert result.exit_code != 0
    assert "缺少列" in str(result.exception) or "缺少列" in result.output


def test_co_in_micrograms_is_refused_naming_the_row(tmp_path):
    source = tmp_path / "co.csv"
    write_station_file(source, hours=3, override={1: {"co": "1200"}})
    result = invoke("air", "aqi", str(source))
    assert result.exit_code != 0
    message = str(result.exception)
    assert "3" in message  # the second record is on line 3 of the file
