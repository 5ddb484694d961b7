"""Closed-loop supervision: task lists from the gazette, the shared loop, the fire-hazard campaign.

Public API::

    import_work_report(parsed) -> tuple[TaskItem, ...]      (城政办发〔2024〕9号 附件)
    import_safety_tasks(parsed) -> tuple[SafetyTask, ...]   (城政发〔2024〕5号)
    extract_deadline(text, year=) -> Deadline
    campaign_steps(document=None) -> tuple[Step, ...];  obligations(); occurrences(o, start=, end=)
    dispatch(dispatched=, due=) -> LoopState;  transition(state, action, on=, actor=, ...) -> LoopState
    colour_of(state, today) -> Colour;  is_overdue(state, today) -> bool
    checklist(parsed); venue_classes(); check_inspector_scope(); three_lists(); exposure_slots();
    check_exposure()
"""

from chengqu.supervision.deadlines import Deadline, DeadlineSource, Milestone, extract_deadline
from chengqu.supervision.hazards import (
    CheckGroup,
    CheckItem,
    ThreeLists,
    VenueClass,
    check_exposure,
    check_inspector_scope,
    checklist,
    exposure_slots,
    three_lists,
    venue_classes,
)
from chengqu.supervision.loop import (
    Action,
    Colour,
    LoopState,
    State,
    colour_of,
    dispatch,
    is_overdue,
    transition,
)
from chengqu.supervision.safety import SafetyTask, import_safety_tasks
from chengqu.supervision.schedule import (
    Obligation,
    PeriodResult,
    PeriodStatus,
    Step,
    campaign_steps,
    compliance,
    obligation,
    obligations,
    occurrences,
)
from chengqu.supervision.worklist import TaskItem, import_work_report

__all__ = [
    "Action",
    "CheckGroup",
    "CheckItem",
    "Colour",
    "Deadline",
    "DeadlineSource",
    "LoopState",
    "Milestone",
    "Obligation",
    "PeriodResult",
    "PeriodStatus",
    "SafetyTask",
    "State",
    "Step",
    "TaskItem",
    "ThreeLists",
    "VenueClass",
    "campaign_steps",
    "check_exposure",
    "check_inspector_scope",
    "checklist",
    "colour_of",
    "compliance",
    "dispatch",
    "exposure_slots",
    "extract_deadline",
    "import_safety_tasks",
    "import_work_report",
    "is_overdue",
    "obligation",
    "obligations",
    "occurrences",
    "three_lists",
    "transition",
    "venue_classes",
]
