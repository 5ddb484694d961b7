"""Every write of the supervision module: imports, the loop's steps, hazards, exposures, bulletins.

Each service runs in one transaction and appends to the audit log in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from chengqu.common import DomainError, clock
from chengqu.gazette import ParseResult
from chengqu.supervision import (
    Action,
    LoopState,
    State,
    campaign_steps,
    check_inspector_scope,
    dispatch,
    import_safety_tasks,
    import_work_report,
    three_lists,
    transition,
    venue_classes,
)
from chengqu.supervision.hazards import FIRE_NUMBER
from chengqu.supervision.worklist import find_document
from portal.accounts.models import Department, User
from portal.accounts.roles import Role, has_role, is_read_only
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot
from portal.supervision.actions import LOOP_STEP_ACTIONS, SupervisionAction
from portal.supervision.models import (
    Bulletin,
    Exposure,
    Hazard,
    LoopEvent,
    LoopItem,
    ObligationRecord,
    SelfInspection,
    Venue,
)
from portal.supervision.selectors import is_unit_member
from portal.supervision.units import collective_members, is_collective, resolve_unit
from portal.supervision.workflow import ACTING_ROLES, VERIFIERS, needs_unit_member

# Fields an import may change; the loop's own fields (state, progress, dates agreed) never.
_IMPORTED = (
    "source",
    "eid",
    "number",
    "title",
    "text",
    "unit_name",
    "leader",
    "leader_title",
    "responsible_leader",
    "supervisors",
    "sections",
    "persons",
    "livelihood",
    "liaison",
    "towns",
    "milestones",
    "due_source",
)


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> int:
        return self.created + self.updated


def _timeline(
    *, item: LoopItem, step: str, actor: User | None = None, on: date, text: str, **extra: Any
) -> LoopEvent:
    """One line of an item's timeline, stamped now."""
    return LoopEvent.objects.create(
        item=item, action=step, actor=actor, at=timezone.now(), on=on, text=text, **extra
    )


def _snap(item: LoopItem) -> dict[str, Any]:
    return snapshot(item, exclude=("co_units",))


def _upsert(
    values: dict[str, Any], *, key: str, unit_names: list[str], dispatched: date, due: date
) -> str:
    """Create the item with ``key`` or bring its imported fields up to date; 'created' | 'updated' |
    'unchanged'. Progress, state and agreed dates already recorded are kept."""
    item = LoopItem.objects.filter(key=key).first()
    if item is None:
        dispatch(dispatched=dispatched, due=due)  # refuses a deadline before the dispatch date
        units = [u for u in (resolve_unit(n) for n in unit_names) if u is not None]
        item = LoopItem(
            key=key,
            kind=LoopItem.Kind.TASK,
            dispatched=dispatched,
            due=due,
            unit=units[0] if units else None,
            **values,
        )
        item.full_clean()
        item.save()
        item.co_units.set({u.pk for u in units[1:]})
        audit_record(actor=None, action=SupervisionAction.ITEM_IMPORT, obj=item, after=_snap(item))
        _timeline(
            item=item,
            step=LoopEvent.Step.DISPATCH,
            on=dispatched,
            text="导入公报任务",
        )
        return "created"
    before = _snap(item)
    for name in _IMPORTED:
        if name in values:
            setattr(item, name, values[name])
    if (
        item.state != LoopItem.State.CLOSED
        and item.pending_due is None
        and not item.events.filter(action=Action.APPROVE_EXTENSION).exists()
    ):
        item.due = due  # a changed deadline in the text, unless an extension was agreed
    after = _snap(item)
    if before == after:
        return "unchanged"
    item.full_clean()
    item.save()
    audit_record(
        actor=None, action=SupervisionAction.ITEM_REIMPORT, obj=item, before=before, after=after
    )
    _timeline(
        item=item,
        step=LoopEvent.Step.IMPORT_UPDATE,
        on=clock.today(),
        text="公报文本变更",
    )
    return "updated"


@transaction.atomic
def tasks_import_gazette(*, parsed: ParseResult) -> ImportResult:
    """Import the work-report tasks (城政办发〔2024〕9号), the 32 safety tasks (城政发〔2024〕5号) and
    the dated campaign steps; idempotent (keys are 文号#eId) and never drops recorded progress."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    report = import_work_report(parsed)
    if report:
        signed = find_document(parsed, report[0].source).signed_date
        for t in report:
            dispatched = signed or t.deadline.due
            values = {
                "source": t.source,
                "eid": t.eid,
                "number": t.number,
                "title": t.text[:60],
                "text": t.text,
                "unit_name": t.lead_unit,
                "leader": t.leader,
                "leader_title": t.leader_title,
                "responsible_leader": t.responsible_leader,
                "supervisors": list(t.supervisors),
                "sections": list(t.sections),
                "persons": list(t.persons),
                "livelihood": t.livelihood,
                "liaison": t.liaison,
                "towns": t.towns,
                "milestones": [
                    {"date": m.due.isoformat(), "text": m.text} for m in t.deadline.milestones
                ],
                "due_source": str(t.deadline.source),
            }
            counts[
                _upsert(
                    values,
                    key=t.key,
                    unit_names=[t.lead_unit],
                    dispatched=dispatched,
                    due=t.deadline.due,
                )
            ] += 1
    safety = import_safety_tasks(parsed)
    if safety:
        signed = find_document(parsed, safety[0].source).signed_date
        for s in safety:
            dispatched = signed or s.deadline.due
            values = {
                "source": s.source,
                "eid": s.eid,
                "number": s.number,
                "title": s.title,
                "text": s.text,
                "unit_name": "、".join(s.units),
                "towns": s.towns,
                "due_source": str(s.deadline.source),
                "milestones": [
                    {"date": m.due.isoformat(), "text": m.text} for m in s.deadline.milestones
                ],
            }
            counts[
                _upsert(
                    values,
                    key=s.key,
                    unit_names=list(s.units),
                    dispatched=dispatched,
                    due=s.deadline.due,
                )
            ] += 1
    for step in campaign_steps():
        document = next((d for d in parsed.documents if d.number == step.document), None)
        if document is None:
            continue
        dispatched = min(step.start or step.due, document.signed_date or step.due)
        values = {
            "source": step.document,
            "eid": step.citation.clause,
            "number": step.label,
            "title": step.label,
            "text": step.citation.text or step.label,
            "unit_name": "各镇(街道)、各部门",
            "due_source": "text",
            "milestones": [],
        }
        counts[
            _upsert(
                values,
                key=f"{step.document}#{step.citation.clause}#{step.label}",
                unit_names=["各镇(街道)及区直各有关单位"],
                dispatched=dispatched,
                due=step.due,
            )
        ] += 1
    _share_collectives()
    return ImportResult(**counts)


def _share_collectives() -> None:
    """Give every unit a collective stands for (各镇(街道), 区直各有关单位) a share of the items that
    name it; run after the import so units created by it are included. Adds only."""
    for item in LoopItem.objects.filter(kind=LoopItem.Kind.TASK, key__isnull=False).only(
        "pk", "unit_id", "unit_name"
    ):
        members = set()
        for name in item.unit_name.split("、"):
            if is_collective(name):
                members |= {u.pk for u in collective_members(name)}
        members.discard(item.unit_id)
        if members:
            item.co_units.add(*members)


# ------------------------------------------------------------------ the loop


def _state(item: LoopItem) -> LoopState:
    return LoopState(
        state=State(item.state),
        dispatched=item.dispatched,
        due=item.due,
        progress=item.progress,
        submitted_by=str(item.submitted_by_id or ""),
        pending_due=item.pending_due,
        escalation=item.escalation,
        returns=item.returns,
        closed_on=item.closed_on,
    )


def _check_actor(actor: User, item: LoopItem, action: Action) -> None:
    """Refuse a step the workflow table does not let ``actor`` take on ``item``."""
    if is_read_only(actor):
        raise DomainError("supervision.read_only", "审计账户只能查看,不能办理", field="action")
    if needs_unit_member(action):
        if not (has_role(actor, *ACTING_ROLES[action]) and is_unit_member(user=actor, item=item)):
            raise DomainError(
                "supervision.not_your_unit", "只有责任单位可以办理此事项", field="action"
            )
    elif not has_role(actor, *ACTING_ROLES[action]):
        raise DomainError(
            "supervision.not_inspector", "只有督查室可以审核、批准延期或升级督办", field="action"
        )


@transaction.atomic
def loop_act(
    *,
    actor: User,
    item: LoopItem,
    action: Action | str,
    on: date | None = None,
    text: str = "",
    evidence: str = "",
    progress: int | None = None,
    new_due: date | None = None,
) -> LoopItem:
    """One step of the loop on a task or hazard, checked by the pure loop and by role and unit."""
    try:
        action = Action(action)
    except ValueError:
        raise DomainError("supervision.action", "未知操作", field="action") from None
    item = LoopItem.objects.select_for_update().get(pk=item.pk)
    _check_actor(actor, item, action)
    day = on or clock.today()
    before = _snap(item)
    open_children = item.children.exclude(state=LoopItem.State.CLOSED).count()
    after_state = transition(
        _state(item),
        action,
        on=day,
        actor=str(actor.pk),
        progress=progress,
        evidence=evidence,
        reason=text,
        new_due=new_due,
        open_children=open_children,
    )
    item.state = after_state.state.value
    item.progress = after_state.progress
    item.due = after_state.due
    item.pending_due = after_state.pending_due
    item.escalation = after_state.escalation
    item.returns = after_state.returns
    item.closed_on = after_state.closed_on
    if action is Action.SUBMIT:
        item.submitted_by = actor
    if action is Action.REQUEST_EXTENSION:
        item.pending_reason = text
    if action in (Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION):
        item.pending_reason = ""
    item.save()
    _timeline(
        item=item,
        step=action.value,
        actor=actor,
        on=day,
        text=text,
        evidence=evidence,
        progress=progress if action is Action.PROGRESS else None,
        new_due=new_due if action is Action.REQUEST_EXTENSION else None,
    )
    audit_record(
        actor=actor,
        action=LOOP_STEP_ACTIONS[action],
        obj=item,
        before=before,
        after=_snap(item),
    )
    if action is Action.PASS and item.kind == LoopItem.Kind.HAZARD and item.parent_id is not None:
        _close_parent_when_done(item.parent_id, day)
    return item


def _close_parent_when_done(parent_id: int, day: date) -> None:
    """整改一处、销案一处: a split hazard closes by itself once its last part is closed (each part was
    re-inspected by someone other than its fixer)."""
    parent = LoopItem.objects.select_for_update().get(pk=parent_id)
    if (
        parent.state == LoopItem.State.CLOSED
        or parent.children.exclude(state=LoopItem.State.CLOSED).exists()
    ):
        return
    before = _snap(parent)
    parent.state, parent.closed_on, parent.progress, parent.pending_due = (
        LoopItem.State.CLOSED,
        day,
        100,
        None,
    )
    parent.save()
    n = parent.children.count()
    _timeline(
        item=parent,
        step=LoopEvent.Step.CHILDREN_CLOSED,
        actor=None,
        on=day,
        text=f"{n}项分项隐患均已复查销案,本隐患销案",
    )
    audit_record(
        actor=None,
        action=SupervisionAction.ITEM_CHILDREN_CLOSED,
        obj=parent,
        before=before,
        after=_snap(parent),
    )
    if parent.parent_id is not None:
        _close_parent_when_done(parent.parent_id, day)


@transaction.atomic
def hazard_split(
    *,
    actor: User,
    item: LoopItem,
    unit: Department,
    measure: str,
    responsible_person: str,
    deadline: date,
    problem: str = "",
) -> Hazard:
    """Split a hazard that needs several measures or responsible units into a part with its own
    three lists (problem, measure, responsibility, deadline) and its own loop; the hazard itself then
    closes only when every part is closed. The 督查室 or the hazard's own town or street may split."""
    if is_read_only(actor):
        raise DomainError("supervision.read_only", "审计账户只能查看,不能办理", field="measure")
    item = LoopItem.objects.select_for_update().get(pk=item.pk)
    if item.kind != LoopItem.Kind.HAZARD:
        raise DomainError("hazard.split_kind", "只有隐患可以拆分为分项隐患", field="action")
    if not (
        has_role(actor, *VERIFIERS)
        or (has_role(actor, Role.UNIT) and is_unit_member(user=actor, item=item))
    ):
        raise DomainError(
            "supervision.not_your_unit", "只有督查室或隐患属地可以拆分隐患", field="unit"
        )
    if item.state == LoopItem.State.CLOSED:
        raise DomainError("loop.closed", "事项已办结,不能再操作", field="action")
    if item.state == LoopItem.State.SUBMITTED:
        raise DomainError("hazard.split_submitted", "隐患已提交复查,不能再拆分", field="action")
    parent = Hazard.objects.select_related("venue").get(item=item)
    today = clock.today()
    if deadline > item.due:
        raise DomainError(
            "hazard.split_due", f"分项整改时限不能晚于原隐患的整改时限{item.due}", field="deadline"
        )
    lists = three_lists(
        problem=problem or item.text,
        measure=measure,
        responsible_unit=unit.name,
        responsible_person=responsible_person,
        deadline=deadline,
        found_on=today,
    )
    dispatch(dispatched=today, due=deadline)
    child = LoopItem(
        kind=LoopItem.Kind.HAZARD,
        parent=item,
        source=item.source,
        eid=item.eid,
        number=f"{item.number}-{item.children.count() + 1}",
        title=f"{parent.venue.name}: {lists.measure[:40]}",
        text=lists.problem,
        unit=unit,
        unit_name=unit.name,
        persons=[lists.responsible_person],
        dispatched=today,
        due=deadline,
        escalation=1 if parent.major else 0,
    )
    child.full_clean()
    child.save()
    if item.unit_id and item.unit_id != unit.pk:
        child.co_units.add(
            item.unit_id
        )  # the town or street keeps sight of every part on its ground
    part = Hazard.objects.create(
        item=child,
        venue=parent.venue,
        check_id=parent.check_id,
        clause=parent.clause,
        inspector_kind=parent.inspector_kind,
        found_on=parent.found_on,
        measure=lists.measure,
        responsible_person=lists.responsible_person,
        tough=parent.tough,
        plan=parent.plan,
        major=parent.major,
        credit_flag=parent.credit_flag,
    )
    _timeline(
        item=item,
        step=LoopEvent.Step.SPLIT,
        actor=actor,
        on=today,
        text=f"拆分分项隐患 {child.number}: {unit.name} {lists.responsible_person} "
        f"{lists.measure} (时限 {deadline})",
    )
    _timeline(
        item=child,
        step=LoopEvent.Step.DISPATCH,
        actor=actor,
        on=today,
        text=f"由隐患 {item.number} 拆分",
    )
    audit_record(actor=actor, action=SupervisionAction.HAZARD_SPLIT, obj=child, after=_snap(child))
    return part


@transaction.atomic
def task_split(*, actor: User, item: LoopItem, unit: Department, text: str, due: date) -> LoopItem:
    """The lead unit splits a task: a sub-task for one of its own sections or a co-unit, due no later
    than the task."""
    if is_read_only(actor) or not (
        has_role(actor, Role.UNIT) and is_unit_member(user=actor, item=item)
    ):
        raise DomainError("supervision.not_your_unit", "只有责任单位可以分解此事项", field="unit")
    if item.state == LoopItem.State.CLOSED:
        raise DomainError("loop.closed", "事项已办结,不能再操作", field="action")
    if not text.strip():
        raise DomainError("supervision.split_text", "请填写分解任务内容", field="text")
    if due > item.due:
        raise DomainError("supervision.split_due", "分解任务的期限不能晚于原任务", field="due")
    dispatch(dispatched=clock.today(), due=due)
    child = LoopItem(
        kind=item.kind,
        parent=item,
        source=item.source,
        eid=item.eid,
        number=f"{item.number}-{item.children.count() + 1}",
        title=text[:60],
        text=text,
        unit=unit,
        unit_name=unit.name,
        leader=item.leader,
        leader_title=item.leader_title,
        responsible_leader=item.responsible_leader,
        livelihood=item.livelihood,
        dispatched=clock.today(),
        due=due,
        due_source="text",
    )
    child.full_clean()
    child.save()
    _timeline(
        item=item,
        step=LoopEvent.Step.SPLIT,
        actor=actor,
        on=clock.today(),
        text=f"分解给{unit.name}: {text}",
    )
    audit_record(actor=actor, action=SupervisionAction.ITEM_SPLIT, obj=child, after=_snap(child))
    return child


# ------------------------------------------------------------------ hazards


@transaction.atomic
def venue_register(
    *,
    actor: User,
    name: str,
    venue_class: str,
    kind: str,
    street: Department,
    responsible_person: str,
    grid: str = "",
    address: str = "",
    phone: str = "",
) -> Venue:
    """Register a venue of one of the three classes in a town or street."""
    if is_read_only(actor):
        raise DomainError("supervision.read_only", "审计账户只能查看,不能办理", field="name")
    classes = {c.key: c for c in venue_classes()}
    if venue_class not in classes:
        raise DomainError("hazard.venue_class", "请选择场所类别", field="venue_class")
    if kind not in classes[venue_class].kinds:
        raise DomainError(
            "hazard.venue_kind", f"{classes[venue_class].label}不包括“{kind}”", field="kind"
        )
    if street.kind not in (Department.Kind.TOWN, Department.Kind.STREET):
        raise DomainError("hazard.street", "属地须为镇或街道", field="street")
    if not name.strip() or not responsible_person.strip():
        raise DomainError("hazard.venue_name", "请填写场所名称和责任人", field="name")
    venue, _ = Venue.objects.get_or_create(
        street=street,
        name=name.strip(),
        defaults={
            "venue_class": venue_class,
            "kind": kind,
            "grid": grid,
            "address": address,
            "responsible_person": responsible_person.strip(),
            "phone": phone,
        },
    )
    audit_record(
        actor=actor, action=SupervisionAction.VENUE_REGISTER, obj=venue, after=snapshot(venue)
    )
    return venue


@transaction.atomic
def self_inspection_record(
    *,
    actor: User,
    venue: Venue,
    inspected_on: date,
    signed_by: str,
    findings: list[str],
    known_ids: set[str],
    note: str = "",
) -> SelfInspection:
    """A venue's self-inspection (附件2): signed by the venue's person in charge, findings named by
    checklist item."""
    if is_read_only(actor):
        raise DomainError("supervision.read_only", "审计账户只能查看,不能办理", field="signed_by")
    if not has_role(actor, *VERIFIERS) and actor.department_id != venue.street_id:
        raise DomainError(
            "supervision.not_your_unit", "只能登记本辖区场所的自查记录", field="venue"
        )
    if signed_by.strip() != venue.responsible_person:
        raise DomainError(
            "hazard.self_sign",
            f"自查记录须由场所责任人{venue.responsible_person}签字确认",
            field="signed_by",
        )
    unknown = [f for f in findings if f not in known_ids]
    if unknown:
        raise DomainError("hazard.check", f"未知检查项: {'、'.join(unknown)}", field="findings")
    record = SelfInspection.objects.create(
        venue=venue,
        inspected_on=inspected_on,
        signed_by=signed_by.strip(),
        findings=findings,
        note=note,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=SupervisionAction.SELF_INSPECTION_RECORD,
        obj=record,
        after=snapshot(record),
    )
    return record


@transaction.atomic
def hazard_report(
    *,
    actor: User,
    venue: Venue,
    check_id: str,
    check_text: str,
    clause: str,
    inspector_kind: str,
    problem: str,
    measure: str,
    responsible_person: str,
    deadline: date,
    found_on: date | None = None,
    tough: bool = False,
    plan: str = "",
    major: bool = False,
    credit_flag: bool = False,
) -> Hazard:
    """A hazard found in an inspection: checked against the inspector's scope, entered on the three
    lists, dispatched to the venue's town or street."""
    if is_read_only(actor):
        raise DomainError("supervision.read_only", "审计账户只能查看,不能办理", field="problem")
    day = found_on or clock.today()
    check_inspector_scope(inspector_kind, venue.venue_class)
    lists = three_lists(
        problem=problem,
        measure=measure,
        responsible_unit=venue.name,
        responsible_person=responsible_person,
        deadline=deadline,
        found_on=day,
    )
    if tough and not plan.strip():
        raise DomainError("hazard.plan", "攻坚整治对象须明确整改方案", field="plan")
    item = LoopItem(
        kind=LoopItem.Kind.HAZARD,
        source=FIRE_NUMBER,
        eid=clause,
        number=check_id,
        title=f"{venue.name}: {lists.problem[:40]}",
        text=lists.problem,
        unit=venue.street,
        unit_name=venue.street.name,
        persons=[lists.responsible_person],
        dispatched=day,
        due=deadline,
        escalation=1 if major else 0,
    )
    item.full_clean()
    item.save()
    hazard = Hazard.objects.create(
        item=item,
        venue=venue,
        check_id=check_id,
        clause=clause,
        inspector_kind=inspector_kind,
        found_on=day,
        measure=lists.measure,
        responsible_person=lists.responsible_person,
        tough=tough,
        plan=plan,
        major=major,
        credit_flag=credit_flag,
    )
    _timeline(
        item=item,
        step=LoopEvent.Step.DISPATCH,
        actor=actor,
        on=day,
        text=f"检查项 {check_id} {check_text}",
    )
    audit_record(actor=actor, action=SupervisionAction.HAZARD_REPORT, obj=item, after=_snap(item))
    return hazard


@transaction.atomic
def exposure_record(
    *, actor: User, held_on: date, hazards: list[Hazard], note: str = ""
) -> Exposure:
    """A 大曝光 naming at least the minimum number of units (五(三))."""
    if not has_role(actor, *VERIFIERS) or is_read_only(actor):
        raise DomainError("supervision.not_inspector", "只有督查室可以登记曝光", field="hazards")
    from chengqu.supervision.hazards import exposure_slots

    minimum = exposure_slots(campaign_start=held_on)[0].min_units
    venues = {h.venue_id for h in hazards}
    if len(venues) < minimum:
        raise DomainError("hazard.exposure_min", f"每次曝光单位不少于{minimum}家", field="hazards")
    exposure = Exposure.objects.create(held_on=held_on, note=note, created_by=actor)
    exposure.hazards.set(hazards)
    audit_record(
        actor=actor,
        action=SupervisionAction.EXPOSURE_RECORD,
        obj=exposure,
        after={"held_on": held_on, "hazards": sorted(h.pk for h in hazards)},
    )
    return exposure


@transaction.atomic
def bulletin_publish(
    *,
    actor: User,
    period_start: date,
    period_end: date,
    figures: list[dict[str, Any]],
    title: str = "",
) -> Bulletin:
    """The 督查室 publishes a bulletin for a period with the figures as they stand."""
    if not has_role(actor, *VERIFIERS) or is_read_only(actor):
        raise DomainError("supervision.not_inspector", "只有督查室可以发布通报", field="period")
    if period_end < period_start:
        raise DomainError("supervision.period", "截止日期不能早于起始日期", field="period_end")
    bulletin = Bulletin.objects.create(
        period_start=period_start,
        period_end=period_end,
        figures=figures,
        published_by=actor,
        title=title or f"2024年区《政府工作报告》任务落实情况通报({period_start}至{period_end})",
        published_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=SupervisionAction.BULLETIN_PUBLISH,
        obj=bulletin,
        after=snapshot(bulletin),
    )
    return bulletin


# ------------------------------------------------------------------ recurring obligations


@transaction.atomic
def obligation_record(
    *, actor: User, key: str, unit: Department, held_on: date, person: str, note: str
) -> ObligationRecord:
    """A unit records one occurrence of a recurring obligation (a 安委会 meeting, a head's 一线督查,
    a drill): the day, who held or led it, the minutes or evidence. A unit records only its own;
    the 督查室 may record for any unit."""
    from chengqu.supervision import obligation

    if is_read_only(actor):
        raise DomainError("supervision.read_only", "审计账户只能查看,不能办理", field="obligation")
    duty = obligation(key)
    if not has_role(actor, *VERIFIERS) and not (
        has_role(actor, Role.UNIT) and actor.department_id == unit.pk
    ):
        raise DomainError("supervision.not_your_unit", "只能登记本单位的周期性工作", field="unit")
    first = date(duty.start.year, duty.start.month if duty.every == "month" else 1, 1)
    if not first <= held_on <= duty.end:
        raise DomainError(
            "supervision.obligation_span",
            f"{duty.label}的登记期间为{first}至{duty.end}",
            field="held_on",
        )
    if held_on > clock.today():
        raise DomainError("supervision.obligation_future", "开展日期不能晚于今天", field="held_on")
    if not person.strip():
        raise DomainError("supervision.obligation_person", "请填写主持或带队人", field="person")
    if not note.strip():
        raise DomainError("supervision.obligation_note", "请填写会议纪要或佐证材料", field="note")
    record = ObligationRecord.objects.create(
        obligation=duty.key,
        unit=unit,
        held_on=held_on,
        person=person.strip(),
        note=note.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor, action=SupervisionAction.OBLIGATION_RECORD, obj=record, after=snapshot(record)
    )
    return record


# ------------------------------------------------------------------ automatic escalation

_OPEN_STATES = (
    LoopItem.State.DISPATCHED,
    LoopItem.State.ACCEPTED,
    LoopItem.State.IN_PROGRESS,
    LoopItem.State.RETURNED,
)
GOVERNMENT_OFFICE = ("晋城市城区人民政府办公室", "区政府办")


@dataclass(frozen=True, slots=True)
class Escalated:
    item_id: int
    number: str
    unit: str
    days_overdue: int
    from_level: int
    to_level: int
    label: str
    told: tuple[str, ...]


def _named(item: LoopItem, who: tuple[str, ...]) -> list[str]:
    names = []
    if "responsible_leader" in who:
        names.append(
            f"责任领导{item.responsible_leader}"
            if item.responsible_leader
            else (f"责任人{'、'.join(item.persons)}" if item.persons else "")
        )
    if "leader" in who and item.leader:
        names.append(f"分管区领导{item.leader}")
    return [n for n in names if n]


def escalate_overdue(*, kind: str, today: date | None = None) -> list[Escalated]:
    """Raise every overdue open item of ``kind`` to the escalation level its days overdue have
    reached (rules/supervision_loop.toml), recording the step on its timeline, in the audit log and
    as a notice to those the rule tells. Meant for a daily scheduler: idempotent (an item already at
    or above its level is left alone; a second run the same day changes nothing) and never lowers a
    level raised by hand. One transaction per item."""
    from chengqu.supervision.loop import ESCALATION_LABELS, due_escalation, escalation_steps
    from portal.notify.services import notify

    day = today or clock.today()
    steps = escalation_steps()
    ids = list(
        LoopItem.objects.filter(
            kind=kind,
            state__in=_OPEN_STATES,
            escalation__lt=steps[-1].level,
            due__lte=day - timedelta(days=steps[0].after_days),
        )
        .order_by("due", "pk")
        .values_list("pk", flat=True)
    )
    inspectors = list(
        User.objects.filter(groups__name=Role.INSPECTORATE.value, is_active=True).values_list(
            "pk", flat=True
        )
    )
    office = (
        Department.objects.filter(name__in=GOVERNMENT_OFFICE).first()
        or Department.objects.filter(short_name__in=GOVERNMENT_OFFICE).first()
    )
    done: list[Escalated] = []
    for pk in ids:
        with transaction.atomic():
            item = LoopItem.objects.select_for_update().get(pk=pk)
            step = due_escalation(_state(item), day)
            if step is None or step.level <= item.escalation:
                continue
            before = _snap(item)
            old = item.escalation
            item.escalation = step.level
            item.save(update_fields=["escalation", "updated"])
            late = (day - item.due).days
            units = [u for u in [item.unit_id, *item.co_units.values_list("pk", flat=True)] if u]
            told = []
            if "unit" in step.tell:
                told.append("责任单位")
            if "inspectorate" in step.tell:
                told.append("区政府督查室")
            if "government_office" in step.tell:
                told.append(
                    office.short_name
                    if office is not None and office.short_name
                    else GOVERNMENT_OFFICE[1]
                )
            named = _named(item, step.name)
            text = (
                f"逾期{late}天,自动升级为{step.label}(原为{ESCALATION_LABELS[old]});"
                f"告知{'、'.join(told)}"
                + (f";请{'、'.join(named)}督促办理" if named else "")
                + "。"
            )
            _timeline(
                item=item,
                step=LoopEvent.Step.ESCALATE,
                actor=None,
                on=day,
                text=text,
            )
            audit_record(
                actor=None,
                action=SupervisionAction.ITEM_AUTO_ESCALATE,
                obj=item,
                before=before,
                after=_snap(item),
            )
            notify(
                title=f"督办升级: {item.number} {item.title or item.text[:30]}"[:200],
                body=text,
                url=f"/supervision/item/{item.pk}/",
                source=f"{step.citation.document} {step.citation.clause}",
                users=inspectors if "inspectorate" in step.tell else (),
                units=[
                    *(units if "unit" in step.tell else []),
                    *(
                        [office.pk]
                        if office is not None and "government_office" in step.tell
                        else []
                    ),
                ],
                key=f"supervision.escalate.{item.pk}.{step.level}",
                reason="督办升级",
            )
            done.append(
                Escalated(
                    item.pk,
                    item.number,
                    item.unit_name,
                    late,
                    old,
                    step.level,
                    step.label,
                    tuple(told),
                )
            )
    return done
