"""The closed loop shared by tasks and hazards: dispatch → accept → progress → submit → verify →
close, with returns, extensions asked before the due date, escalation and a colour status."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from chengqu.common import Citation, DomainError
from chengqu.rules import cite, dec, load_table

__all__ = [
    "Action",
    "Colour",
    "EscalationStep",
    "LoopState",
    "State",
    "colour_code",
    "colour_of",
    "dispatch",
    "due_escalation",
    "due_soon_days",
    "escalation_steps",
    "is_overdue",
    "transition",
]


class State(StrEnum):
    DISPATCHED = "dispatched"  # 已交办
    ACCEPTED = "accepted"  # 已签收
    IN_PROGRESS = "in_progress"  # 推进中 / 整改中
    SUBMITTED = "submitted"  # 已报结 / 已提交复查
    RETURNED = "returned"  # 已退回
    CLOSED = "closed"  # 已办结 / 已销案


STATE_LABELS = {
    State.DISPATCHED: "已交办",
    State.ACCEPTED: "已签收",
    State.IN_PROGRESS: "推进中",
    State.SUBMITTED: "待审核",
    State.RETURNED: "已退回",
    State.CLOSED: "已办结",
}


class Action(StrEnum):
    ACCEPT = "accept"
    PROGRESS = "progress"
    SUBMIT = "submit"
    PASS = "pass"  # noqa: S105 - an action, not a secret
    RETURN = "return"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"
    ESCALATE = "escalate"


class Colour(StrEnum):
    GREEN = "green"  # on track
    BLUE = "blue"  # due soon
    YELLOW = "yellow"  # behind or returned
    RED = "red"  # overdue
    DONE = "done"  # closed


COLOUR_LABELS = {
    Colour.GREEN: "正常推进",
    Colour.BLUE: "临近期限",
    Colour.YELLOW: "滞后或退回",
    Colour.RED: "逾期",
    Colour.DONE: "已办结",
}

ESCALATION_LABELS = ("未升级", "督查室督办", "分管领导约谈", "区政府通报批评")


@dataclass(frozen=True, slots=True)
class LoopState:
    """Where a task or hazard stands. ``submitted_by`` is who reported it done (the fixer);
    ``pending_due`` an extension asked and not yet decided; ``progress`` a percentage."""

    state: State
    dispatched: date
    due: date
    progress: int = 0
    submitted_by: str = ""
    pending_due: date | None = None
    escalation: int = 0
    returns: int = 0
    closed_on: date | None = None


def dispatch(*, dispatched: date, due: date) -> LoopState:
    """A new item: refused when its due date is before its dispatch date.

    Source: issue 8 (bad input: a deadline before the dispatch date).
    """
    if due < dispatched:
        raise DomainError("loop.due_before_dispatch", "完成期限不能早于交办日期", field="due")
    return LoopState(state=State.DISPATCHED, dispatched=dispatched, due=due)


_OPEN = (State.DISPATCHED, State.ACCEPTED, State.IN_PROGRESS, State.RETURNED)


def transition(
    s: LoopState,
    action: Action,
    *,
    on: date,
    actor: str,
    progress: int | None = None,
    evidence: str = "",
    reason: str = "",
    new_due: date | None = None,
    open_children: int = 0,
) -> LoopState:
    """The state after ``action`` by ``actor`` on day ``on``; DomainError with a Chinese message
    when the loop does not allow it (a report on a closed item, a verification by the fixer, a
    split item reported done or closed while ``open_children`` of its parts are still open …).

    Source: 城政办发〔2024〕9号 正文 (跟踪督查、通报); 城政办发〔2024〕3号 五(二) (整改一处、销案一处).
    """
    if s.state is State.CLOSED:
        raise DomainError("loop.closed", "事项已办结,不能再操作", field="action")
    if on < s.dispatched:
        raise DomainError("loop.before_dispatch", "操作日期早于交办日期", field="on")
    if action is Action.ACCEPT:
        if s.state is not State.DISPATCHED:
            raise DomainError("loop.accept", "只有已交办的事项可以签收", field="action")
        return replace(s, state=State.ACCEPTED)
    if action is Action.PROGRESS:
        if s.state not in _OPEN:
            raise DomainError("loop.progress", "事项已提交审核,不能报送进展", field="action")
        if progress is None or not 0 <= progress <= 100:
            raise DomainError("loop.progress_value", "进度须为0至100之间的整数", field="progress")
        if not reason.strip():
            raise DomainError("loop.progress_text", "请填写进展情况", field="reason")
        return replace(s, state=State.IN_PROGRESS, progress=progress)
    if action in (Action.SUBMIT, Action.PASS) and open_children > 0:
        raise DomainError(
            "loop.open_children",
            f"还有{open_children}项分项未办结(销案),不能报结或销案",
            field="action",
        )
    if action is Action.SUBMIT:
        if s.state not in _OPEN:
            raise DomainError("loop.submit", "事项已提交审核", field="action")
        if not evidence.strip():
            raise DomainError("loop.evidence", "报结须附完成情况及佐证材料", field="evidence")
        return replace(s, state=State.SUBMITTED, progress=100, submitted_by=actor)
    if action in (Action.PASS, Action.RETURN):
        if s.state is not State.SUBMITTED:
            raise DomainError("loop.verify", "只有待审核的事项可以审核", field="action")
        if actor == s.submitted_by:
            raise DomainError("loop.self_verify", "复查须由整改报结人以外的人员进行", field="actor")
        if action is Action.PASS:
            return replace(s, state=State.CLOSED, closed_on=on, pending_due=None)
        if not reason.strip():
            raise DomainError("loop.return_reason", "退回须说明理由", field="reason")
        return replace(s, state=State.RETURNED, returns=s.returns + 1, progress=min(s.progress, 99))
    if action is Action.REQUEST_EXTENSION:
        if s.pending_due is not None:
            raise DomainError("loop.extension_pending", "已有待审批的延期申请", field="action")
        if on > s.due:
            raise DomainError("loop.extension_late", "延期须在完成期限前申请", field="on")
        if not reason.strip():
            raise DomainError("loop.extension_reason", "延期申请须说明理由", field="reason")
        if new_due is None or new_due <= s.due:
            raise DomainError("loop.extension_date", "申请的新期限须晚于原期限", field="new_due")
        return replace(s, pending_due=new_due)
    if action in (Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION):
        if s.pending_due is None:
            raise DomainError("loop.no_extension", "没有待审批的延期申请", field="action")
        if action is Action.APPROVE_EXTENSION:
            return replace(s, due=s.pending_due, pending_due=None)
        return replace(s, pending_due=None)
    if action is Action.ESCALATE:
        if not (is_overdue(s, on) or s.state is State.RETURNED):
            raise DomainError("loop.escalate", "只有逾期或被退回的事项可以升级督办", field="action")
        if s.escalation >= len(ESCALATION_LABELS) - 1:
            raise DomainError("loop.escalate_max", "已是最高督办级别", field="action")
        return replace(s, escalation=s.escalation + 1)
    raise DomainError("loop.action", f"未知操作: {action}", field="action")  # pragma: no cover


def is_overdue(s: LoopState, today: date) -> bool:
    """Past its due date and not closed (a submission still awaiting review counts on time).

    Source: 城政办发〔2024〕9号 正文 (对贻误工作的单位严肃批评).
    """
    return s.state not in (State.CLOSED, State.SUBMITTED) and today > s.due


def due_soon_days() -> int:
    """The window (days) before the due date in which an item shows blue."""
    table = load_table("supervision_loop")
    return int(dec(table["colour"]["due_soon_days"], where="colour.due_soon_days"))


def behind_margin() -> int:
    """How many percentage points progress may trail the share of time gone before it is behind."""
    table = load_table("supervision_loop")
    return int(dec(table["colour"]["behind_margin_points"], where="colour.behind_margin_points"))


def colour_citation() -> Citation:
    table = load_table("supervision_loop")
    return cite(table, table["colour"])


def colour_of(s: LoopState, today: date, *, soon_days: int | None = None) -> Colour:
    """Red when overdue; yellow when returned or when the reported progress lags the share of
    time gone by more than the margin; blue when due within the window; otherwise green. Closed
    items are done.

    Source: issue 8 (colour status); interpretation in docs/interpretations.md.
    """
    window = due_soon_days() if soon_days is None else soon_days
    return colour_code(s.state, s.dispatched, s.due, s.progress, today, window, behind_margin())


def colour_code(
    state: State,
    dispatched: date,
    due: date,
    progress: int,
    today: date,
    soon_days: int,
    margin: int,
) -> Colour:
    """:func:`colour_of` on plain values, for ledgers of many items (the window and margin read once).

    Source: issue 8 (colour status); interpretation in docs/interpretations.md.
    """
    if state is State.CLOSED:
        return Colour.DONE
    if state is not State.SUBMITTED and today > due:
        return Colour.RED
    if state is State.RETURNED:
        return Colour.YELLOW
    if state is State.SUBMITTED:
        return Colour.GREEN
    total = (due - dispatched).days
    gone = (today - dispatched).days
    if total > 0 and gone > 0 and (progress + margin) * total < gone * 100:
        return Colour.YELLOW
    if (due - today).days <= soon_days:
        return Colour.BLUE
    return Colour.GREEN


@dataclass(frozen=True, slots=True)
class EscalationStep:
    """A level of 督办 an overdue item reaches ``after_days`` past its due date, whom it tells
    (``tell``: unit / inspectorate / government_office) and whom the notice names."""

    level: int
    label: str
    after_days: int
    tell: tuple[str, ...]
    name: tuple[str, ...]
    citation: Citation


def escalation_steps() -> tuple[EscalationStep, ...]:
    """The escalation ladder, lowest level first.

    Source: 城政办发〔2024〕9号 正文 (跟踪督查、通报、严肃批评); day counts are the portal's setting.
    """
    table = load_table("supervision_loop")
    steps = tuple(
        sorted(
            (
                EscalationStep(
                    level=int(dec(e["level"], where="escalation.level")),
                    label=str(e["label"]),
                    after_days=int(dec(e["after_days"], where="escalation.after_days")),
                    tell=tuple(e["tell"]),
                    name=tuple(e["name"]),
                    citation=cite(table, e),
                )
                for e in table["escalation"]
            ),
            key=lambda s: s.level,
        )
    )
    if [s.level for s in steps] != list(range(1, len(ESCALATION_LABELS))):
        raise DomainError(
            "rules.escalation", "督办升级规则的级别须为1至3且各一条", field="escalation"
        )
    return steps


def due_escalation(s: LoopState, today: date) -> EscalationStep | None:
    """The highest escalation step an item has reached on ``today`` by being overdue, or None (not
    overdue, or not yet overdue long enough). Closed and submitted items are never escalated.

    Source: 城政办发〔2024〕9号 正文; the ladder in rules/supervision_loop.toml.
    """
    if not is_overdue(s, today):
        return None
    late = (today - s.due).days
    reached = [step for step in escalation_steps() if late >= step.after_days]
    return reached[-1] if reached else None
