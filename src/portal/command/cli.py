"""`chengqu command …`: who commands an incident, routing, the HQs and the reporting clocks."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from chengqu.command import load_roster, report_deadlines, route_incident
from chengqu.command.roster import Roster
from chengqu.command.routing import Status
from chengqu.common import SHANGHAI, DomainError


def _roster() -> Roster:
    """Today's holders from the database when the platform is set up; else the notice's."""
    try:
        from portal.core.clitools import setup_django

        setup_django()
        from portal.command.selectors import current_roster

        return current_roster()
    except Exception:  # no database yet (fresh clone): the notice's holders
        return load_roster()


def _echo(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _persons(found: list[dict[str, str]]) -> str:
    return "、".join(f"{p['name'] or '(未指定)'}({p['position']})" for p in found)


@click.group(name="command")
def group() -> None:
    """应急指挥: 指挥体系、事件路由、报告时限 (城政办发〔2024〕8号, 2号, 7号)。"""


@group.command("who")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def who(text: str, as_json: bool) -> None:
    """谁指挥: 事件类型 → 指挥部、指挥长、副指挥长、办公室。"""
    decision = route_incident(text, roster=_roster())
    routing = decision.value
    if routing.status is Status.AMBIGUOUS:
        names = "、".join(r.name for r in routing.routes)
        raise DomainError(
            "command.ambiguous", f"“{text}”对应多个指挥部, 请明确: {names}", field="type"
        )
    body: dict[str, Any] = routing.routes[0].as_dict()
    if as_json:
        _echo(body)
        return
    click.echo(f"{body['hq']}: 指挥 {_persons(body['commanders'])}")
    if body["deputies"]:
        click.echo(f"  副职 {_persons(body['deputies'])}")
    click.echo(f"  办公室 {body['office']['host']} {_persons(body['office']['directors'])}")
    click.echo(f"  依据 {body['citation']['document']} {body['citation']['clause']}")


@group.command("route")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def route(text: str, as_json: bool) -> None:
    """事件路由: 牵头指挥部、须通报对象; 不明确时列出候选。"""
    decision = route_incident(text, roster=_roster())
    body: dict[str, Any] = {
        "status": str(decision.value.status),
        "matched_words": list(decision.value.matched_words),
        "routes": [r.as_dict() for r in decision.value.routes],
        "notes": list(decision.notes),
    }
    if as_json:
        _echo(body)
        return
    label = {"matched": "牵头", "ambiguous": "候选", "unknown": "未识别, 由总指挥部统筹"}[
        body["status"]
    ]
    for r in body["routes"]:
        click.echo(f"{label}: {r['hq']} — 指挥 {_persons(r['commanders'])}")
        for n in r["notify"]:
            click.echo(f"  须通报 {n['who']} ({n['clause']})")
    for note in body["notes"]:
        click.echo(f"注: {note}")


@group.command("hqs")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def hqs(as_json: bool) -> None:
    """列出总指挥部、专项指挥部和预案指挥部。"""
    roster = _roster()
    rows: list[dict[str, Any]] = [
        {
            "key": h.key,
            "kind": str(h.kind),
            "name": h.name,
            "office_host": h.office.host,
            "commanders": [
                {
                    "name": roster.holder_of(s.position),
                    "position": roster.position(s.position).title,
                }
                for s in h.commanders
            ],
        }
        for h in roster.hqs
    ]
    if as_json:
        _echo(rows)
        return
    for row in rows:
        click.echo(f"{row['key']}\t{row['name']}\t{_persons(row['commanders'])}")


@group.command("clocks")
@click.argument("incident_type")
@click.option("--at", "at", required=True, help="事发(获知)时间, 如 2026-01-05T08:30 (北京时间)")
@click.option("--level", default=None, help="响应级别 (Ⅰ/Ⅱ/Ⅲ)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def clocks(incident_type: str, at: str, level: str | None, as_json: bool) -> None:
    """报告时限: 按预案列出各项报告的应报时间。"""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        raise click.BadParameter("时间格式应为 YYYY-MM-DDTHH:MM", param_hint="--at") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    rows: list[dict[str, Any]] = [
        {
            "key": d.key,
            "report": d.report,
            "reporter": d.reporter,
            "recipients": list(d.recipients),
            "due": d.due.isoformat() if d.due else None,
            "required_content": list(d.required_content),
            "notes": list(d.notes),
            "citation": {"document": d.citation.document, "clause": d.citation.clause},
        }
        for d in report_deadlines(incident_type, level, moment)
    ]
    if as_json:
        _echo(rows)
        return
    for row in rows:
        due = row["due"] or "待起算"
        click.echo(
            f"{row['report']}\t{due}\t{row['citation']['document']} {row['citation']['clause']}"
        )
