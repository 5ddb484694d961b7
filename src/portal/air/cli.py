"""`chengqu air …`: AQI for one reading or a file of hourly station data, and warning decisions."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import click

from chengqu.air.aqi import compute_aqi
from chengqu.air.series import daily_report, panel_from_rows, realtime_aqi, running_daily_aqi
from chengqu.air.warning import (
    decide_warning,
    evaluation_from_concentrations,
    evaluation_from_daily,
)
from chengqu.common import DomainError, clock

LEVELS = ["none", "yellow", "orange", "red"]
COLUMNS = ("so2", "no2", "co", "o3", "pm10", "pm25")


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _read_station_csv(path: Path) -> Any:
    """The hourly panel of a `station,time,so2,no2,co,o3,pm10,pm25` file; a bar on stderr."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise DomainError("air.file", f"无法读取文件 {path}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in ("station", "time", *COLUMNS) if c not in header]
        if missing:
            raise DomainError(
                "air.columns", f"{path.name} 缺少列: {', '.join(missing)}", field=missing[0]
            )
        reader.fieldnames = header
        stations: list[str] = []
        times: list[str] = []
        columns: dict[str, list[str]] = {c: [] for c in COLUMNS}
        size = max(path.stat().st_size, 1)
        with click.progressbar(length=size, label="读取监测数据", file=sys.stderr) as bar:
            done = 0
            for row in reader:
                stations.append(row["station"])
                times.append(row["time"])
                for c in COLUMNS:
                    columns[c].append(row[c])
                line = sum(len(str(v)) + 1 for v in row.values())
                done += line
                bar.update(line)
            bar.update(size - done)
    if not stations:
        raise DomainError("air.empty", f"{path.name} 没有数据行")
    return panel_from_rows(stations, times, columns)


def _write(rows: Any, target: Path) -> int:
    from portal.core.exports import csv_field

    count = 0
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({k: csv_field(v) for k, v in row.items()})  # a station name is text
            count += 1
    return count


@click.group()
def air() -> None:
    """重污染天气: AQI 计算与预警研判 (城政办发〔2024〕1号)。"""


@air.command("aqi")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "--report", type=click.Choice(["daily", "hourly"]), default="daily", show_default=True
)
@click.option(
    "--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="数据日期, 决定适用的标准 (默认今天)"
)
@click.option("--so2")
@click.option("--no2")
@click.option("--co", help="mg/m³")
@click.option("--pm10")
@click.option("--pm25")
@click.option("--o3-1h", "o3_1h")
@click.option("--o3-8h", "o3_8h")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="批量结果的输出目录")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def aqi_command(
    file: Path | None, report: str, on: Any, out: Path | None, as_json: bool, **readings: str | None
) -> None:
    """计算一组浓度的 AQI; 或对逐时监测数据文件 (CSV) 计算实时、24小时滑动和自然日 AQI。"""
    if file is not None:
        panel = _read_station_csv(file)
        folder = out or file.parent
        folder.mkdir(parents=True, exist_ok=True)
        written = {}
        for name, compute in (
            ("realtime", realtime_aqi),
            ("running-daily", running_daily_aqi),
            ("daily", daily_report),
        ):
            target = folder / f"{file.stem}-{name}.csv"
            written[name] = {"file": str(target), "rows": _write(compute(panel).rows(), target)}
        if as_json:
            _dump(written)
        else:
            for name, info in written.items():
                click.echo(f"{name}: {info['rows']} 行 → {info['file']}")
        return
    given = {k: v for k, v in readings.items() if v is not None}
    if not given:
        raise click.UsageError("请至少给出一种污染物浓度 (如 --pm25 80), 或一个 CSV 文件")
    day = on.date() if on is not None else clock.today()
    result = compute_aqi(given, report=report, on=day)
    if as_json:
        _dump(result.to_json())
    else:
        primary = "、".join(result.primary) or "无"
        click.echo(f"AQI {result.aqi} {result.category} (首要污染物: {primary}; {result.standard})")


@air.command("warn")
@click.option("--daily", help="逐日预测 AQI, 逗号分隔, 每日按 24 小时计")
@click.option(
    "--hourly", type=click.Path(dir_okay=False, path_type=Path), help="逐时浓度预测文件 (CSV)"
)
@click.option("--primary", type=click.Choice(["pm", "o3"]), default="pm", show_default=True)
@click.option("--dust", is_flag=True, help="沙尘天气过程 (不适用本预案)")
@click.option("--current", type=click.Choice(LEVELS), default="none", show_default=True)
@click.option("--city-level", type=click.Choice(LEVELS), help="市指挥部办公室通报的预警级别")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def warn_command(
    daily: str | None,
    hourly: Path | None,
    primary: str,
    dust: bool,
    current: str,
    city_level: str | None,
    as_json: bool,
) -> None:
    """按预案 3.1、3.3 研判预警级别及发布、升级、降级、解除。"""
    if (daily is None) == (hourly is None):
        raise click.UsageError("请给出 --daily 或 --hourly 之一")
    if daily is not None:
        series = evaluation_from_daily([v.strip() for v in daily.split(",") if v.strip()])
    else:
        assert hourly is not None
        series = evaluation_from_concentrations(_read_station_csv(hourly))
    decision = decide_warning(
        series,
        episode="pm25" if primary == "pm" else "o3",
        current=current,
        city_level=city_level,
        dust=dust,
    )
    if as_json:
        _dump(decision.to_json())
        return
    click.echo(
        f"预警级别: {decision.level.value}  操作: {decision.action.value}  响应: {decision.response or '无'}"
    )
    for note in decision.notes:
        click.echo(f"  说明: {note}")


DEMO_FORECASTS = {
    "yellow": "170,160,120",
    "orange": "180,205,230,190,120",
    "red": "220,310,320,240,150",
}
DEMO_USER = "air-demo-commander"


@air.command("demo-warning")
@click.option(
    "--level", type=click.Choice(["yellow", "orange", "red"]), default="orange", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def demo_warning_command(level: str, as_json: bool) -> None:
    """演示: 按预测填报、由指挥长批准并发布一次预警 (全部经审批流程与审计日志)。"""
    from portal.core.clitools import setup_django

    setup_django()
    from portal.accounts.models import Person, User
    from portal.accounts.roles import Role
    from portal.accounts.services import position_assign, user_create
    from portal.air import services
    from portal.air.loading import load_hq_posts, load_member_units
    from portal.air.models import HqPost

    load_member_units()
    load_hq_posts()
    post = HqPost.objects.select_related("position").filter(kind=HqPost.Kind.COMMANDER).first()
    if post is None:
        raise DomainError("air.demo", "未找到指挥长岗位: 请先运行 chengqu load")
    holding = post.position.holdings.filter(end__isnull=True).select_related("person__user").first()
    if holding is None:
        user = User.objects.filter(username=DEMO_USER).first() or user_create(
            username=DEMO_USER, password=None, display_name="演示指挥长", roles=[Role.COMMANDER]
        )
        person = Person.objects.filter(user=user).first() or Person.objects.create(
            name="演示指挥长", user=user
        )
        position_assign(position=post.position, person=person, start=clock.today())
        commander = user
    elif holding.person.user is None:
        raise DomainError("air.demo", f"指挥长 {holding.person} 没有账户, 无法演示审批")
    else:
        commander = holding.person.user
    values = DEMO_FORECASTS[level].split(",")
    decision = services.warning_draft(
        actor=None, forecast={"kind": "daily", "values": values}, note="演示预警"
    )
    services.warning_approve(decision=decision, actor=commander, opinion="同意(演示)")
    services.warning_publish(decision=decision, actor=None)
    decision.refresh_from_db()
    data = {
        "decision": decision.pk,
        "episode": decision.episode_id,
        "level": decision.level,
        "action": decision.action,
        "cap": decision.cap.identifier,
    }
    if as_json:
        _dump(data)
    else:
        click.echo(
            f"已发布{decision.get_level_display()} (决定 #{decision.pk}, CAP {decision.cap.identifier})"
        )


@air.command("list-import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def list_import_command(file: Path, as_json: bool) -> None:
    """导入应急减排清单 (xlsx/csv); 任一行有错则整表不导入, 并列出各行错误。"""
    from portal.core.clitools import setup_django

    setup_django()
    from portal.air.reduction_list import ListImportError, list_import

    try:
        count = list_import(path=file, actor=None)
    except ListImportError as exc:
        if as_json:
            _dump(
                {
                    "imported": 0,
                    "errors": [{"row": r, "column": c, "message": m} for r, c, m in exc.errors],
                }
            )
            raise SystemExit(2) from None
        raise
    if as_json:
        _dump({"imported": count, "errors": []})
    else:
        click.echo(f"已导入 {count} 家企业")


@air.command("list-check")
@click.option("--year", type=int, required=True)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def list_check_command(year: int, as_json: bool) -> None:
    """核算应急减排清单是否达到 4.3 的减排比例 (黄20%/橙30%/红40%) 及缺口。"""
    from portal.core.clitools import setup_django

    setup_django()
    from portal.air.selectors import reduction_checks

    checks = reduction_checks(year)
    rows = [
        {
            "level": c.level,
            "response": c.response,
            "pollutant": c.pollutant,
            "target_percent": str(c.target_percent),
            "district_total": None if c.district_total is None else str(c.district_total),
            "reduced": str(c.reduced),
            "share_percent": None if c.share_percent is None else str(c.share_percent),
            "met": c.met,
            "shortfall": str(c.shortfall),
            "clause": c.citation.clause,
        }
        for c in checks
    ]
    if as_json:
        _dump({"year": year, "checks": rows})
        return
    for c in checks:
        share = "—" if c.share_percent is None else f"{c.share_percent}%"
        verdict = "达到" if c.met else f"未达到, 缺口 {c.shortfall} 吨"
        click.echo(
            f"{c.label}: 减排 {c.reduced} 吨, 占比 {share}, 要求 {c.target_percent}% → {verdict}"
        )
