"""`chengqu relics …`: phases, point checks, import/export of the register, progress, census users."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from chengqu.common import DomainError, clock
from portal.core.clitools import emit, json_option, setup_django

F = TypeVar("F", bound=Callable[..., Any])


def _day(text: str | None) -> date:
    if not text:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD: {text}") from None


def _actor(username: str) -> Any:
    from portal.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise DomainError("relics.actor", f"没有用户 {username}", field="actor")
    return user


@click.group(name="relics")
def group() -> None:
    """文物普查 (城政发〔2024〕3号)。"""


@group.command("phase")
@click.option("--date", "on", help="日期 YYYY-MM-DD, 默认今天")
@json_option
def phase(on: str | None, as_json: bool) -> None:
    """某日所处的普查阶段, 及普查标准时点。"""
    from chengqu.relics import phase_on, standard_time_point

    day = _day(on)
    decision = phase_on(day)
    point = standard_time_point()
    data = {
        "date": day.isoformat(),
        "phase": decision.value.key if decision.value else None,
        "name": decision.value.name if decision.value else None,
        "task": decision.value.task if decision.value else None,
        "notes": list(decision.notes),
        "standard_time_point": point.value.isoformat(),
        "citations": [c.label() for c in (*decision.citations, *point.citations)],
    }
    where = decision.value.name if decision.value else decision.notes[0]
    text = f"{day}: {where} (标准时点 {point.value.isoformat()})"
    emit(as_json, data, text)


@group.command("check-point")
@click.option("--lon", required=True, help="经度")
@click.option("--lat", required=True, help="纬度")
@json_option
def check_point(lon: str, lat: str, as_json: bool) -> None:
    """检查一个坐标是否有效、是否在城区范围内。"""
    from chengqu.relics import in_district, parse_coordinates

    point = parse_coordinates(lon, lat)
    inside = in_district(point)
    data = {
        "longitude": str(point.longitude),
        "latitude": str(point.latitude),
        "inside": inside.value,
        "notes": list(inside.notes),
    }
    emit(
        as_json,
        data,
        f"({point.longitude}, {point.latitude}) {'在' if inside.value else '不在'}城区范围内",
    )
    if not inside.value:
        raise DomainError(
            "relics.outside", f"坐标 ({point.longitude}, {point.latitude}) 不在晋城市城区范围内"
        )


@group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default="admin", show_default=True, help="以哪个文物局用户的身份导入")
@json_option
def import_(path: Path, actor: str, as_json: bool) -> None:
    """导入已有文物名录 (xlsx/csv); 有错误行则整个文件不导入。"""
    setup_django()
    from portal.relics.services import register_import

    result = register_import(actor=_actor(actor), path=path)
    data = {"created": result.created, "errors": result.errors}
    lines = [f"第 {e['line']} 行 {e['field']}: {e['message']}" for e in result.errors]
    emit(as_json, data, "\n".join(lines) if lines else f"已导入 {result.created} 处")
    if result.errors:
        raise DomainError("relics.import", f"{len(result.errors)} 行有错误, 未导入任何记录")


@group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actor", default="admin", show_default=True)
@click.option("--forms", is_flag=True, help="导出普查登记表 (复查表与新发现登记表)")
@json_option
def export(path: Path, actor: str, forms: bool, as_json: bool) -> None:
    """导出文物名录或普查登记表 (xlsx), 按该用户可见范围, 并记入审计日志。"""
    setup_django()
    from portal.relics.exports import census_forms_xlsx, register_xlsx
    from portal.relics.selectors import relics_for
    from portal.relics.services import export_logged

    user = _actor(actor)
    relics = relics_for(user)
    data, count = (
        census_forms_xlsx(relics) if forms else register_xlsx(relics.iterator(chunk_size=2000))
    )
    path.write_bytes(data)
    export_logged(
        actor=user, kind="forms" if forms else "register", count=count, filters={"cli": str(path)}
    )
    emit(as_json, {"path": str(path), "count": count}, f"已导出 {count} 条到 {path}")


@group.command("progress")
@click.option("--date", "on", help="日期 YYYY-MM-DD, 默认今天")
@click.option("--actor", default="admin", show_default=True)
@json_option
def progress_(on: str | None, actor: str, as_json: bool) -> None:
    """各镇(街道)复查进度 (对照 367 处) 与新发现线索。"""
    setup_django()
    from portal.relics.selectors import progress

    report = progress(_actor(actor), _day(on))
    units = [
        {
            "unit": u.department.name,
            "registered": u.registered,
            "reexamined": u.reexamined,
            "percent": u.percent,
            "leads": u.leads,
            "awaiting_verification": u.awaiting_verification,
            "published": u.published,
            "open_issues": u.open_issues,
            "open_cases": u.open_cases,
        }
        for u in report.units
    ]
    data = {
        "date": report.on.isoformat(),
        "phase": report.phase.key if report.phase else None,
        "target": report.target,
        "reexamined": report.total_reexamined,
        "units": units,
    }
    text = "\n".join(
        f"{u['unit']}: 已复查 {u['reexamined']}/{u['registered']}, 待认定 {u['awaiting_verification']}"
        for u in units
    )
    emit(as_json, data, text or "没有可见的镇(街道)")
