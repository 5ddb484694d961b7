"""`chengqu supervision …`: import the gazette's task lists, list tasks, print the fire checklist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from chengqu.common import DomainError


@click.group(name="supervision")
def group() -> None:
    """督查督办: 任务台账 (城政办发〔2024〕9号、城政发〔2024〕5号) 与消防隐患整治 (城政办发〔2024〕3号)。"""


def _parsed(file: Path | None) -> Any:
    from chengqu.data import read_gazette_issue
    from chengqu.gazette import parse_issue

    if file is None:
        return parse_issue(read_gazette_issue("gazette-2024-1.txt"))
    try:
        return parse_issue(file.read_bytes())
    except OSError as exc:
        raise DomainError(
            "supervision.file", f"无法读取公报文件 {file}: {exc}", field="file"
        ) from None


@group.command("import-gazette")
@click.option(
    "--file",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="公报全文 (默认随附的2024年第1期)",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def import_gazette(file: Path | None, as_json: bool) -> None:
    """导入公报中的任务分工; 重复导入不会重复建任务, 也不会丢失已记录的进展。"""
    from portal.core.clitools import setup_django

    setup_django()
    from portal.supervision.services import tasks_import_gazette

    result = tasks_import_gazette(parsed=_parsed(file))
    data = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        click.echo(
            f"新增 {result.created} 项, 更新 {result.updated} 项, 未变 {result.unchanged} 项。"
        )


def task_json(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "source": item.source,
        "text": item.text,
        "leader": item.leader,
        "lead_unit": item.unit_name or (item.unit.name if item.unit else ""),
        "responsible_leader": item.responsible_leader,
        "supervisors": list(item.supervisors),
        "sections": list(item.sections),
        "persons": list(item.persons),
        "livelihood": item.livelihood,
        "deadline": item.due.isoformat(),
        "deadline_source": item.due_source,
        "milestones": [{"date": m["date"], "text": m["text"]} for m in item.milestones],
    }


@group.group("tasks")
def tasks() -> None:
    """任务台账。"""


@tasks.command("list")
@click.option("--unit", help="牵头单位名称 (包含即可)")
@click.option("--livelihood", is_flag=True, help="仅民生实事项目")
@click.option("--source", help="来源文号, 如 城政办发〔2024〕9号")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def tasks_list(unit: str | None, livelihood: bool, source: str | None, as_json: bool) -> None:
    """列出任务。"""
    from portal.core.clitools import setup_django

    setup_django()
    from chengqu.gazette import normalise_doc_number
    from portal.supervision.models import LoopItem

    qs = LoopItem.objects.filter(kind=LoopItem.Kind.TASK).select_related("unit").order_by("pk")
    if unit:
        qs = qs.filter(unit_name__contains=unit) | qs.filter(unit__name__contains=unit)
    if livelihood:
        qs = qs.filter(livelihood=True)
    if source:
        qs = qs.filter(source=normalise_doc_number(source) or source.strip())
    items = [task_json(i) for i in qs]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    for i in items:
        click.echo(f"{i['id']}\t{i['deadline']}\t{i['lead_unit']}\t{i['text'][:40]}")


@group.group("hazards")
def hazards() -> None:
    """消防安全集中除患攻坚大整治。"""


@hazards.command("checklist")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def hazards_checklist(as_json: bool) -> None:
    """检查清单 (城政办发〔2024〕3号 三、整治重点)。"""
    from chengqu.supervision import checklist

    groups = checklist(_parsed(None))
    data: list[dict[str, Any]] = [
        {
            "group": g.group,
            "items": [
                {
                    "id": i.id,
                    "text": i.text,
                    "citation": {"document": i.citation.document, "clause": i.citation.clause},
                }
                for i in g.items
            ],
        }
        for g in groups
    ]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for g in data:
        click.echo(g["group"])
        for i in g["items"]:
            click.echo(f"  {i['id']} {i['text']}")


# The issue's own spelling, `chengqu tasks import-gazette`, beside `chengqu supervision import-gazette`.
tasks.add_command(import_gazette, "import-gazette")


def _escalate(kind: str, on: str | None, as_json: bool) -> None:
    from datetime import date

    from portal.core.clitools import setup_django

    setup_django()
    from portal.supervision.services import escalate_overdue

    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        raise DomainError("supervision.date", "日期格式应为 YYYY-MM-DD", field="date") from None
    done = escalate_overdue(kind=kind, today=day)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": e.item_id,
                        "number": e.number,
                        "unit": e.unit,
                        "days_overdue": e.days_overdue,
                        "from_level": e.from_level,
                        "to_level": e.to_level,
                        "label": e.label,
                        "told": list(e.told),
                    }
                    for e in done
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    for e in done:
        click.echo(f"{e.item_id}\t{e.unit}\t逾期{e.days_overdue}天\t{e.label}")
    click.echo(f"共升级 {len(done)} 项。")


_ESCALATE_HELP = "逾期事项按规则自动升级督办 (供每日定时任务调用; 重复运行不会重复升级)。"


@tasks.command("escalate", help=_ESCALATE_HELP)
@click.option("--date", "on", help="按此日期计算逾期 (默认今天, 北京时间)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def tasks_escalate(on: str | None, as_json: bool) -> None:
    _escalate("task", on, as_json)


@hazards.command("escalate", help=_ESCALATE_HELP)
@click.option("--date", "on", help="按此日期计算逾期 (默认今天, 北京时间)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def hazards_escalate(on: str | None, as_json: bool) -> None:
    _escalate("hazard", on, as_json)
