"""Writes of the command module; each is atomic and leaves an audit entry.

The rules (routing, clocks, levels, termination, duties) are ``chengqu.command``'s; these
functions record what the duty officer did and what the rules said, with the clause.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from chengqu.command import (
    classify_water,
    declare_animal_response,
    earliest_animal_end,
    water_termination,
)
from chengqu.command.clocks import Anchor, report_deadlines, resolve_plan
from chengqu.command.duties import duty as duty_rule
from chengqu.command.levels import grades
from chengqu.command.routing import Status, route_incident
from chengqu.common import Citation, DomainError, local_date, to_local
from portal.accounts.models import Department, Person, PositionHolding, User
from portal.accounts.services import position_assign
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot
from portal.command._events import event_add, incident_ensure_open
from portal.command.access import require_writer
from portal.command.actions import CommandAction
from portal.command.models import DutyRecord, DutyShift, Headquarters, Incident, Post, Report
from portal.command.plan_services import animal_measures_create, water_tasks_create
from portal.command.selectors import current_roster, deadline_for

# ------------------------------------------------------------------ positions


@transaction.atomic
def post_holder_set(*, post: Post, name: str, start: date, actor: User | None) -> PositionHolding:
    """Give a command post to a person from ``start``: every HQ seat of the post follows.

    Source: 城政办发〔2024〕8号 二 ("成员如有变动,由相应岗位人员自然替补,不再另行发文").
    """
    require_writer(actor)
    clean = "".join(name.split())
    if not clean:
        raise DomainError("command.holder_empty", "任职人员姓名不能为空", field="name")
    person = Person.objects.filter(name=clean).first() or Person.objects.create(name=clean)
    return position_assign(position=post.position, person=person, start=start, actor=actor)


# ------------------------------------------------------------------ incidents


def _plan_for(incident_type: str, hq: Headquarters | None) -> tuple[str, str]:
    """(plan key, note): the plan whose clocks apply, or "" and why none do."""
    try:
        if hq is not None and hq.kind == Headquarters.Kind.PLAN:
            return resolve_plan(hq.key), ""
        return resolve_plan(incident_type), ""
    except DomainError as exc:
        return "", exc.message


@transaction.atomic
def incident_register(
    *,
    actor: User | None,
    incident_type: str,
    occurred_at: datetime | None,
    place: str,
    description: str = "",
    learned_at: datetime | None = None,
    reporter: str = "",
    grade: str = "",
    department: Department | None = None,
    hq_key: str = "",
) -> Incident:
    """Record an incident and route it; the timeline opens with both.

    Source: 城政办发〔2024〕8号 一、二 (routing); 7号 4.1, 2号 3.3 (clocks start from these times).
    """
    require_writer(actor)
    kind = " ".join(incident_type.split())
    if not kind:
        raise DomainError("command.type_missing", "请填写突发事件类型", field="incident_type")
    if occurred_at is None:
        raise DomainError("command.time_missing", "请填写事发时间", field="occurred_at")
    if not place.strip():
        raise DomainError("command.place_missing", "请填写事发地点", field="place")
    occurred = to_local(occurred_at)
    now = timezone.now()
    if occurred > now:
        raise DomainError("command.time_future", "事发时间不能晚于当前时间", field="occurred_at")
    if learned_at is not None and to_local(learned_at) < occurred:
        raise DomainError("command.time_order", "获知时间不能早于事发时间", field="learned_at")
    if grade and grade not in grades():
        raise DomainError(
            "command.grade_invalid", f"事件级别应为{'、'.join(grades())}之一", field="grade"
        )

    roster = current_roster()
    decision = route_incident(hq_key or kind, roster=roster)
    if decision.value.status is Status.UNKNOWN and description.strip() and not hq_key:
        decision = route_incident(f"{kind} {description}", roster=roster)
    routing = decision.value
    hq = None
    if routing.status is not Status.AMBIGUOUS:
        hq = Headquarters.objects.filter(key=routing.routes[0].hq).first()
    plan, plan_note = _plan_for(kind + description, hq)
    if not plan and hq is not None:
        plan, plan_note = _plan_for(hq.key if hq.kind == Headquarters.Kind.PLAN else kind, hq)
    incident = Incident.objects.create(
        incident_type=kind,
        description=description.strip(),
        occurred_at=occurred,
        learned_at=learned_at,
        place=place.strip(),
        reporter=reporter.strip(),
        grade=grade,
        department=department,
        hq=hq,
        routing_status=str(routing.status),
        candidates=[r.hq for r in routing.routes],
        plan=plan,
        created_by=actor,
        created_at=now,
    )
    event_add(
        incident, f"登记事件: {kind}, 地点 {incident.place}", actor=actor, kind="registered", at=now
    )
    if hq is not None:
        text = f"路由至{hq.name}" + (
            "(未识别事件类型, 由总指挥部统筹)" if routing.status is Status.UNKNOWN else ""
        )
        event_add(
            incident, text, actor=actor, kind="routed", citation=decision.citations[0], at=now
        )
    else:
        names = "、".join(r.name for r in routing.routes)
        event_add(incident, f"待确认牵头指挥部, 候选: {names}", actor=actor, kind="routed", at=now)
    if plan_note:
        event_add(incident, plan_note, actor=actor, kind="note", at=now)
    audit_record(
        actor=actor, action=CommandAction.INCIDENT_REGISTER, obj=incident, after=snapshot(incident)
    )
    from portal.command.notices import incident_registered

    incident_registered(incident)  # the routed HQ's office, commanders and subscribers are told
    return incident


@transaction.atomic
def incident_route_choose(*, incident: Incident, hq_key: str, actor: User | None) -> Incident:
    """The duty officer chooses the leading HQ among the candidates (or any HQ by key)."""
    require_writer(actor)
    incident_ensure_open(incident)
    hq = Headquarters.objects.filter(key=hq_key).first()
    if hq is None:
        raise DomainError("command.hq_unknown", f"未找到指挥部: {hq_key}", field="hq")
    before = snapshot(incident)
    incident.hq = hq
    incident.routing_status = str(Status.MATCHED)
    if not incident.plan:
        incident.plan, _ = _plan_for(
            hq.key if hq.kind == Headquarters.Kind.PLAN else incident.incident_type, hq
        )
    incident.save(update_fields=["hq", "routing_status", "plan"])
    event_add(
        incident, f"确定牵头指挥部: {hq.name}", actor=actor, kind="routed", citation=hq.citation
    )
    audit_record(
        actor=actor,
        action=CommandAction.INCIDENT_ROUTE,
        obj=incident,
        before=before,
        after=snapshot(incident),
    )
    from portal.command.notices import incident_routed

    incident_routed(incident)  # the chosen HQ is told (once per HQ and incident)
    return incident


@transaction.atomic
def incident_anchor_set(
    *, incident: Incident, anchor: str, at: datetime, actor: User | None
) -> Incident:
    """Record when a clock's starting event happened (接到报告, 查清基本情况, 处理完毕 …).

    A time before the incident, or a recorded time moved earlier than a report already filed
    against it, is refused; nothing else changes.
    """
    require_writer(actor)
    incident_ensure_open(incident)
    try:
        which = Anchor(anchor)
    except ValueError:
        raise DomainError(
            "command.anchor_unknown", f"未定义的起算时点: {anchor}", field="anchor"
        ) from None
    moment = to_local(at)
    if moment < to_local(incident.occurred_at):
        raise DomainError(
            "command.anchor_before_start", f"{which.label}时间不能早于事发时间", field="at"
        )
    if moment > timezone.now():
        raise DomainError("command.time_future", f"{which.label}时间不能晚于当前时间", field="at")
    anchors = dict(incident.anchors)
    anchors[which.value] = moment.isoformat()
    if incident.plan:
        report_deadlines(
            incident.plan, incident.level or None, incident.occurred_at, anchors=_anchors(anchors)
        )
    before = snapshot(incident)
    incident.anchors = anchors
    incident.save(update_fields=["anchors"])
    event_add(
        incident, f"记录{which.label}时间: {moment:%Y-%m-%d %H:%M}", actor=actor, kind="anchor"
    )
    audit_record(
        actor=actor,
        action=CommandAction.INCIDENT_ANCHOR,
        obj=incident,
        before=before,
        after=snapshot(incident),
    )
    return incident


def _anchors(raw: Mapping[str, str]) -> dict[str, datetime]:
    return {key: datetime.fromisoformat(value) for key, value in raw.items()}


@transaction.atomic
def incident_water_classify(
    *,
    incident: Incident,
    entered_zone: bool | None,
    impact: str | None,
    in_area: bool,
    actor: User | None,
) -> Incident:
    """Warning colour and response level of a drinking-water-source incident from the two facts.

    Source: 城政办发〔2024〕7号 3.4, 5.1.
    """
    require_writer(actor)
    incident_ensure_open(incident)
    if incident.plan != "plan_water_source":
        raise DomainError(
            "command.plan_mismatch", "仅饮用水水源地突发环境事件适用该分级", field="plan"
        )
    decision = classify_water(entered_zone, impact, in_area=in_area)
    result = decision.value
    before = snapshot(incident)
    incident.warning = result.warning
    incident.level = result.response
    if result.response and not incident.started_by:
        incident.started_by = incident.hq.name if incident.hq else "区指挥部"
    if result.response and "response_started" not in incident.anchors:
        incident.anchors = {**incident.anchors, "response_started": timezone.now().isoformat()}
    if result.warning == "红色" and "warning_red" not in incident.anchors:
        incident.anchors = {**incident.anchors, "warning_red": timezone.now().isoformat()}
    incident.save(update_fields=["warning", "level", "anchors", "started_by"])
    parts = [
        f"预警: {result.warning or '无'}",
        f"响应: {result.response + '级' if result.response else '不启动'}",
    ]
    if result.request_level_one:
        parts.append("同时请求启动Ⅰ级响应")
    event_add(
        incident,
        "水源地事件分级 — " + "; ".join(parts) + "".join(f"。{n}" for n in decision.notes),
        actor=actor,
        kind="level",
        citation=decision.citations[0],
    )
    audit_record(
        actor=actor,
        action=CommandAction.INCIDENT_LEVEL,
        obj=incident,
        before=before,
        after=snapshot(incident),
    )
    water_tasks_create(
        incident=incident, actor=actor
    )  # the level's tasks for the nine working groups (3.5, 5.1.x, 5.2.3)
    return incident


@transaction.atomic
def incident_animal_declare(*, incident: Incident, level: str, actor: User | None) -> Incident:
    """Record the animal-epidemic response level and who declares it.

    Source: 城政办发〔2024〕2号 4.2.1–4.2.3.
    """
    require_writer(actor)
    incident_ensure_open(incident)
    if incident.plan != "plan_animal_epidemic":
        raise DomainError("command.plan_mismatch", "仅突发重大动物疫情适用该响应分级", field="plan")
    decision = declare_animal_response(level)
    found = decision.value
    before = snapshot(incident)
    incident.level = found.level
    incident.started_by = incident.started_by or found.declarer
    if "response_started" not in incident.anchors:
        incident.anchors = {**incident.anchors, "response_started": timezone.now().isoformat()}
    incident.save(update_fields=["level", "anchors", "started_by"])
    event_add(
        incident,
        f"启动{found.level}级响应, 由{found.declarer}宣布"
        + (f", 报{found.reports_to}" if found.reports_to else ""),
        actor=actor,
        kind="level",
        citation=found.citation,
    )
    audit_record(
        actor=actor,
        action=CommandAction.INCIDENT_LEVEL,
        obj=incident,
        before=before,
        after=snapshot(incident),
    )
    animal_measures_create(incident=incident, actor=actor)  # the 4.3 checklists per zone
    return incident


@transaction.atomic
def incident_terminate(
    *,
    incident: Incident,
    actor: User | None,
    ordered_by: str,
    met: Iterable[int] = (),
    last_case: date | None = None,
    disease: str = "",
    incubation_days: int | None = None,
    today: date | None = None,
) -> Incident:
    """End the response where the plan allows it; the incident is closed and kept.

    Water: all four conditions of 7号 5.3.1, ordered by whoever started it (5.3.2, 谁启动、谁终止).
    Animal: not before one longest incubation period after the last case (2号 4.5).
    """
    require_writer(actor)
    incident_ensure_open(incident)
    who = ordered_by.strip()
    if not who:
        raise DomainError(
            "command.termination_invalid", "须写明下达终止命令的指挥机构", field="ordered_by"
        )
    citation: Citation | None = None
    if incident.plan == "plan_water_source" and incident.level:
        started = incident.started_by or (incident.hq.name if incident.hq else "")
        check = water_termination(met, started_by=started)
        if not check.value.allowed:
            raise DomainError(
                "command.termination_conditions",
                "尚未满足响应终止条件: " + "; ".join(check.value.missing),
                field="met",
            )
        if who != check.value.ordered_by:
            raise DomainError(
                "command.termination_order",
                f"谁启动、谁终止: 应由{check.value.ordered_by}下达终止命令",
                field="ordered_by",
            )
        citation = check.citations[-1]
    elif incident.plan == "plan_animal_epidemic" and incident.level:
        if last_case is None:
            raise DomainError(
                "command.last_case_missing", "须填写最后一例病例的日期", field="last_case"
            )
        end = earliest_animal_end(
            last_case, disease=disease or None, incubation_days=incubation_days
        )
        day = today or local_date(timezone.now())
        if day < end.value:
            raise DomainError(
                "command.termination_early",
                f"最早可于{end.value.isoformat()}宣布结束(最后病例后经过一个最长潜伏期无新病例)",
                field="last_case",
            )
        citation = end.citations[0]
    before = snapshot(incident)
    incident.status = Incident.Status.CLOSED
    incident.closed_at = timezone.now()
    incident.closed_by = who
    incident.save(update_fields=["status", "closed_at", "closed_by"])
    event_add(
        incident,
        f"应急响应终止, 由{who}下达终止命令",
        actor=actor,
        kind="closed",
        citation=citation,
    )
    audit_record(
        actor=actor,
        action=CommandAction.INCIDENT_TERMINATE,
        obj=incident,
        before=before,
        after=snapshot(incident),
    )
    return incident


# ------------------------------------------------------------------ reports


@transaction.atomic
def report_save(
    *,
    incident: Incident,
    actor: User | None,
    clock: str = "",
    title: str = "",
    content: Mapping[str, str] | None = None,
    text: str = "",
    report: Report | None = None,
) -> Report:
    """Save a draft as it is typed: nothing typed is lost, whatever the clock says."""
    require_writer(actor)
    incident_ensure_open(incident)
    if report is None:
        deadline = deadline_for(incident, clock) if clock else None
        name = title.strip() or (deadline.report if deadline else "")
        if not name:
            raise DomainError("command.report_title", "请填写报告名称", field="title")
        report = Report(incident=incident, clock=clock, title=name)
    elif report.status == Report.Status.FILED:
        raise DomainError("command.report_filed", "已报送的报告不能修改, 请另行续报", field=None)
    before = snapshot(report) if report.pk else None
    report.content = {k: v for k, v in (content or {}).items() if v.strip()}
    report.text = text
    report.updated_at = timezone.now()
    report.save()
    audit_record(
        actor=actor,
        action=CommandAction.REPORT_SAVE,
        obj=report,
        before=before,
        after=snapshot(report),
    )
    return report


@transaction.atomic
def report_file(
    *, report: Report, actor: User | None, partial: bool = False, at: datetime | None = None
) -> Report:
    """File a report: who and when are stamped, with the due time in force; a report missing
    required content is filed only as explicitly incomplete. A late report is accepted and shown late.

    Source: 城政办发〔2024〕7号 4.1, 4.2; 城政办发〔2024〕2号 3.3.2, 3.3.3.
    """
    require_writer(actor)
    incident = Incident.objects.select_for_update().get(pk=report.incident_id)
    incident_ensure_open(incident)
    if report.status == Report.Status.FILED:
        raise DomainError("command.report_filed", "该报告已报送", field=None)
    deadline = deadline_for(incident, report.clock) if report.clock else None
    missing = tuple(
        i
        for i in (deadline.required_content if deadline else ())
        if not report.content.get(i, "").strip()
    )
    if missing and not partial:
        raise DomainError(
            "command.report_incomplete", "报告缺少规定内容: " + "、".join(missing), field="content"
        )
    before = snapshot(report)
    report.status = Report.Status.FILED
    report.complete = not missing
    report.filed_at = at or timezone.now()
    report.filed_by = actor
    report.due_at = deadline.due if deadline else None
    report.updated_at = timezone.now()
    report.save()
    late = "(逾期)" if report.late else ""
    event_add(
        incident,
        f"报送{report.title}{late}" + ("; 内容不完整" if missing else ""),
        actor=actor,
        kind="report",
        citation=deadline.citation if deadline else None,
        at=report.filed_at,
    )
    audit_record(
        actor=actor,
        action=CommandAction.REPORT_FILE,
        obj=report,
        before=before,
        after=snapshot(report),
    )
    return report


# ------------------------------------------------------------------ duties


@transaction.atomic
def duty_record(*, duty: str, done_on: date, note: str = "", actor: User | None) -> DutyRecord:
    """Record a drill held or a plan revised on ``done_on``.

    Source: 城政发〔2024〕5号 (二十八); 城政办发〔2024〕7号 8.1, 9.2; 城政办发〔2024〕1号 7.2.
    """
    require_writer(actor)
    duty_rule(duty)
    if done_on > local_date(timezone.now()):
        raise DomainError("command.date_future", "完成日期不能晚于今天", field="done_on")
    record = DutyRecord.objects.create(
        duty=duty, done_on=done_on, note=note.strip(), recorded_by=actor, recorded_at=timezone.now()
    )
    audit_record(actor=actor, action=CommandAction.DUTY_RECORD, obj=record, after=snapshot(record))
    return record


@transaction.atomic
def shift_set(
    *, day: date, leader: str, officer: str, phone: str, leader_post: str = "", actor: User | None
) -> DutyShift:
    """Put a day on the 24-hour duty roster (or change it): a leader on duty and an officer are
    both required. Source: 城政发〔2024〕5号 (二十九); 城政办发〔2024〕1号 6.1."""
    require_writer(actor)
    for value, field, label in (
        (leader, "leader", "带班领导"),
        (officer, "officer", "值班员"),
        (phone, "phone", "值班电话"),
    ):
        if not value.strip():
            raise DomainError("command.shift_incomplete", f"请填写{label}", field=field)
    shift = DutyShift.objects.filter(day=day).first()
    before = snapshot(shift) if shift else None
    shift = shift or DutyShift(day=day)
    shift.leader, shift.leader_post = leader.strip(), leader_post.strip()
    shift.officer, shift.phone, shift.recorded_by = officer.strip(), phone.strip(), actor
    shift.save()
    audit_record(
        actor=actor, action=CommandAction.SHIFT_SET, obj=shift, before=before, after=snapshot(shift)
    )
    return shift
