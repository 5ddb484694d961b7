"""Writes for what the plans require on an incident: tasks and measures ticked, the sample chain,
compensation lines and the after-incident assessment report. Each write is atomic and audited.

The rules are ``chengqu.command.plan_tasks``'s; these functions record what was done, by whom.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from chengqu.command.plan_tasks import (
    animal_measures,
    assessment_form,
    assessment_missing,
    check_compensation,
    record_sample,
    sample_labs,
    water_tasks,
)
from chengqu.common import DomainError, to_local
from portal.accounts.models import User
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot
from portal.command._events import event_add, incident_ensure_open
from portal.command.access import require_writer
from portal.command.actions import CommandAction
from portal.command.models import Assessment, Compensation, Incident, SampleStep, Task
from portal.command.selectors import sample_step

WATER_PLAN = "plan_water_source"
ANIMAL_PLAN = "plan_animal_epidemic"


def _plan(incident: Incident, plan: str, label: str) -> None:
    if incident.plan != plan:
        raise DomainError("command.plan_mismatch", f"仅{label}适用该记录", field="plan")


# ------------------------------------------------------------------ tasks


def water_tasks_create(*, incident: Incident, actor: User | None) -> list[Task]:
    """Put the tasks of the incident's warning and response level on it (those not yet there).

    Tasks of an earlier level stay: what was ordered and done is never erased.
    Source: 城政办发〔2024〕7号 3.5, 5.1.1, 5.1.2, 5.2.3.
    """
    decision = water_tasks(incident.warning, incident.level)
    have = set(incident.tasks.values_list("key", flat=True))
    now = timezone.now()
    start = incident.tasks.count()
    wanted = {f"warning:{incident.warning}", f"response:{incident.level}"}
    new = [
        Task(
            incident=incident,
            source=Task.Source.WATER,
            key=t.key,
            group=t.group,
            also=list(t.also),
            title=t.title,
            text=t.text,
            document=t.citation.document,
            clause=t.clause,
            basis=t.basis,
            discretionary=t.discretionary,
            note=t.note,
            trigger=next(x for x in t.on if x in wanted),
            order=start + n,
            created_at=now,
        )
        for n, t in enumerate(t for t in decision.value if t.key not in have)
    ]
    Task.objects.bulk_create(new)
    if new:
        event_add(
            incident,
            f"按预案生成工作组任务{len(new)}项",
            actor=actor,
            kind="tasks",
            citation=decision.citations[0] if decision.citations else None,
            at=now,
        )
    return new


def animal_measures_create(*, incident: Incident, actor: User | None) -> list[Task]:
    """Put the 4.3 checklists (疫点, 疫区, 受威胁区, 全域) on an animal-epidemic incident once its
    response has started ("应急响应启动后"). Source: 城政办发〔2024〕2号 4.3."""
    decision = animal_measures()
    have = set(incident.tasks.values_list("key", flat=True))
    now = timezone.now()
    clause = decision.citations[0]
    new = []
    order = incident.tasks.count()
    for zone, items in decision.value.items():
        for m in items:
            if m.key in have:
                continue
            new.append(
                Task(
                    incident=incident,
                    source=Task.Source.ANIMAL,
                    key=m.key,
                    group=zone,
                    title=m.text,
                    text=m.text,
                    document=clause.document,
                    clause=clause.clause,
                    basis="text",
                    note=m.note,
                    trigger=f"response:{incident.level}",
                    order=order,
                    created_at=now,
                )
            )
            order += 1
    Task.objects.bulk_create(new)
    if new:
        event_add(
            incident,
            f"生成疫点、疫区、受威胁区措施清单{len(new)}项",
            actor=actor,
            kind="tasks",
            citation=clause,
            at=now,
        )
    return new


@transaction.atomic
def task_mark(*, task: Task, done: bool, actor: User | None) -> Task:
    """Mark a task done (who and when are stamped) or undo the mark; both are audited."""
    require_writer(actor)
    incident = Incident.objects.select_for_update().get(pk=task.incident_id)
    incident_ensure_open(incident)
    task = Task.objects.select_for_update().get(pk=task.pk)
    before = snapshot(task)
    if done and task.done_at is None:
        task.done_at, task.done_by = timezone.now(), actor
        text = f"完成: {task.group} · {task.title}"
    elif not done and task.done_at is not None:
        task.done_at, task.done_by = None, None
        text = f"撤销完成标记: {task.group} · {task.title}"
    else:
        return task
    task.save(update_fields=["done_at", "done_by"])
    event_add(incident, text, actor=actor, kind="task", citation=task.citation)
    audit_record(
        actor=actor, action=CommandAction.TASK_MARK, obj=task, before=before, after=snapshot(task)
    )
    return task


# ------------------------------------------------------------------ sample chain


def _sample_rows(incident: Incident) -> list[SampleStep]:
    """The chain's rows, one per lab, created on first use."""
    rows = list(incident.samples.all())
    if len(rows) != len(sample_labs()):
        for n, lab in enumerate(sample_labs()):
            SampleStep.objects.get_or_create(incident=incident, step=n, defaults={"lab": lab})
        rows = list(incident.samples.all())
    return rows


@transaction.atomic
def sample_record(
    *, incident: Incident, step: int, field: str, at: datetime, result: str = "", actor: User | None
) -> SampleStep:
    """Record a time on the sample chain; out-of-order input is refused with the reason.

    Source: 城政办发〔2024〕2号 3.3.3.
    """
    require_writer(actor)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    incident_ensure_open(incident)
    _plan(incident, ANIMAL_PLAN, "突发重大动物疫情")
    moment = to_local(at)
    if moment > timezone.now():
        raise DomainError("command.time_future", "时间不能晚于当前时间", field="at")
    if moment < to_local(incident.occurred_at):
        raise DomainError("command.sample_order", "时间不能早于事发时间", field="at")
    rows = _sample_rows(incident)
    decision = record_sample([sample_step(r) for r in rows], step, field, moment, result=result)
    row = rows[step]
    before = snapshot(row)
    updated = decision.value[step]
    row.sent_at, row.received_at, row.result_at, row.result = (
        updated.sent_at,
        updated.received_at,
        updated.result_at,
        updated.result,
    )
    row.recorded_by = actor
    row.save()
    label = {
        "sent_at": f"样品送{row.lab}",
        "received_at": f"{row.lab}接收样品",
        "result_at": f"{row.lab}出具结果: {row.result}",
    }[field]
    event_add(
        incident, label, actor=actor, kind="sample", citation=decision.citations[0], at=moment
    )
    audit_record(
        actor=actor, action=CommandAction.SAMPLE_RECORD, obj=row, before=before, after=snapshot(row)
    )
    return row


# ------------------------------------------------------------------ compensation


@transaction.atomic
def compensation_add(
    *,
    incident: Incident,
    actor: User | None,
    kind: str,
    item: str,
    owner: str,
    quantity: Decimal | int | str,
    unit: str,
    amount: Decimal | int | str,
    basis: str,
) -> Compensation:
    """Add a line to the incident's compensation ledger, during or after the response (the district
    pays after it ends). Source: 城政办发〔2024〕2号 5.2."""
    require_writer(actor)
    _plan(incident, ANIMAL_PLAN, "突发重大动物疫情")
    line = check_compensation(
        kind=kind, item=item, owner=owner, quantity=quantity, unit=unit, amount=amount, basis=basis
    ).value
    record = Compensation.objects.create(
        incident=incident,
        kind=line.kind,
        item=line.item,
        owner=line.owner,
        quantity=line.quantity,
        unit=line.unit,
        amount=line.amount,
        basis=line.basis,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor, action=CommandAction.COMPENSATION_ADD, obj=record, after=snapshot(record)
    )
    return record


# ------------------------------------------------------------------ assessment report


@transaction.atomic
def assessment_save(
    *, incident: Incident, content: Mapping[str, str], actor: User | None
) -> Assessment:
    """Save the assessment report as it is typed (a draft); a filed report is not changed.

    Source: 城政办发〔2024〕2号 5.1; 城政办发〔2024〕7号 6.2.
    """
    require_writer(actor)
    form = assessment_form(incident.plan)
    report = Assessment.objects.select_for_update().filter(incident=incident).first()
    if report is not None and report.status == Assessment.Status.FILED:
        raise DomainError("command.assessment_filed", "评估报告已报送, 不能再修改", field=None)
    before = snapshot(report) if report else None
    names = {s.name for s in form.sections}
    report = report or Assessment(incident=incident, plan=incident.plan)
    report.content = {k: v for k, v in content.items() if k in names and str(v).strip()}
    report.updated_at = timezone.now()
    report.save()
    audit_record(
        actor=actor,
        action=CommandAction.ASSESSMENT_SAVE,
        obj=report,
        before=before,
        after=snapshot(report),
    )
    return report


@transaction.atomic
def assessment_file(*, incident: Incident, actor: User | None) -> Assessment:
    """File the report: only after the response ended, and only with every required section written."""
    require_writer(actor)
    form = assessment_form(incident.plan)
    report = Assessment.objects.select_for_update().filter(incident=incident).first()
    if report is None:
        raise DomainError("command.assessment_missing", "请先填写评估报告", field=None)
    if report.status == Assessment.Status.FILED:
        raise DomainError("command.assessment_filed", "评估报告已报送", field=None)
    if incident.status != Incident.Status.CLOSED:
        raise DomainError(
            "command.assessment_early", f"应急处置结束(响应终止)后方可报送{form.title}", field=None
        )
    missing = assessment_missing(incident.plan, report.content)
    if missing:
        raise DomainError(
            "command.assessment_incomplete",
            "以下必填部分尚未填写: " + "、".join(missing),
            field="content",
        )
    before = snapshot(report)
    report.status = Assessment.Status.FILED
    report.filed_at, report.filed_by = timezone.now(), actor
    report.save()
    event_add(incident, f"报送{form.title}", actor=actor, kind="assessment", citation=form.citation)
    audit_record(
        actor=actor,
        action=CommandAction.ASSESSMENT_FILE,
        obj=report,
        before=before,
        after=snapshot(report),
    )
    return report
