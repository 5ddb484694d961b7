"""Time is aware and local: the district keeps Asia/Shanghai time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from chengqu.common.errors import DomainError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def to_local(moment: datetime) -> datetime:
    """The same instant in Asia/Shanghai; a naive datetime is refused, never guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DomainError("time.naive", f"时间缺少时区信息: {moment.isoformat()}")
    return moment.astimezone(SHANGHAI)


def today() -> date:
    """Today's date in the district (Asia/Shanghai), whatever the machine's own time zone."""
    return datetime.now(SHANGHAI).date()


def local_date(moment: datetime) -> date:
    """The calendar day in the district at that instant."""
    return to_local(moment).date()
