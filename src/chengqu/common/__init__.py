"""What every module shares: citations and decisions, money, time, working days, readings, errors."""

from chengqu.common.clock import SHANGHAI, local_date, to_local, today
from chengqu.common.decision import Citation, Decision
from chengqu.common.errors import DomainError
from chengqu.common.money import format_yuan, from_fen, from_wan, round_fen, to_fen, yuan
from chengqu.common.reading import Band, Reading
from chengqu.common.workdays import (
    WorkdayCalendar,
    add_workdays,
    default_calendar,
    is_workday,
    workdays_before,
)

__all__ = [
    "SHANGHAI",
    "Band",
    "Citation",
    "Decision",
    "DomainError",
    "Reading",
    "WorkdayCalendar",
    "add_workdays",
    "default_calendar",
    "format_yuan",
    "from_fen",
    "from_wan",
    "is_workday",
    "local_date",
    "round_fen",
    "to_fen",
    "to_local",
    "today",
    "workdays_before",
    "yuan",
]
