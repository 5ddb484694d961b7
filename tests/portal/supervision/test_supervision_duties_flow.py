"""Recurring obligations recorded by the responsible unit: periods met or missed (red), the
Asia/Shanghai day boundary, permissions, and the bulletin naming missed periods."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook

from chengqu.common import DomainError, clock
from portal.accounts.models import Department
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.supervision.models import ObligationRecord
from portal.supervision.services import obligation_record

MEETING = "safety_committee_meeting"


def _freeze(monkeypatch, instant: datetime) -> None:
    """Make ``clock.today()`` see ``instant`` (an aware UTC moment) as now."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return instant.astimezone(tz) if tz else instant

    monkeypatch.setattr(clock, "datetime", Frozen)


@pytest.fixture
def safety(world, make_user):
    unit = Department.objects.get(name="区应急管理局")
    return unit, make_user("yjj", Role.UNIT, department=unit)


def _status(page, key: str, unit: str) -> dict[str, str]:
    (row,) = [r for r in page.context["rows"] if r.key == key and r.unit.name == unit]
    return {p.label: p.status.value for p in row.periods}


def test_unit_records_a_meeting_and_its_month_is_met(login, monkeypatch, safety) -> None:
    unit, user = safety
    _freeze(monkeypatch, datetime(2024, 5, 10, 2, 0, tzinfo=UTC))
    client = login(user)
    response = client.post(
        "/supervision/duties/",
        {
            "obligation": MEETING,
            "held_on": "2024-04-12",
            "person": "王局长",
            "note": "第4次安委会会议纪要",
        },
    )
    assert response.status_code == 302
    record = ObligationRecord.objects.get()
    assert (record.unit, record.recorded_by, record.person) == (unit, user, "王局长")
    assert AuditEntry.objects.filter(action="supervision.obligation.record").exists()
    page = client.get("/supervision/duties/")
    status = _status(page, MEETING, "区应急管理局")
    assert (status["2024年3月"], status["2024年4月"], status["2024年5月"]) == (
        "missed",
        "met",
        "open",
    )
    assert 'data-period="2024年3月" data-status="missed"' in page.content.decode()
    assert "c-red" in page.content.decode()


def test_the_month_ends_at_midnight_in_shanghai_not_utc(login, monkeypatch, safety) -> None:
    _, user = safety
    client = login(user)
    # 2024-04-30 15:59 UTC is 23:59 on 30 April in Shanghai: April is still open
    _freeze(monkeypatch, datetime(2024, 4, 30, 15, 59, tzinfo=UTC))
    assert (
        _status(client.get("/supervision/duties/"), MEETING, "区应急管理局")["2024年4月"] == "open"
    )
    # 16:00 UTC is midnight, 1 May, in Shanghai: April has ended short
    _freeze(monkeypatch, datetime(2024, 4, 30, 16, 0, tzinfo=UTC))
    assert (
        _status(client.get("/supervision/duties/"), MEETING, "区应急管理局")["2024年4月"]
        == "missed"
    )


def test_a_meeting_recorded_on_the_last_day_counts_for_that_month(monkeypatch, safety) -> None:
    unit, user = safety
    # recorded at 00:30 on 1 April Shanghai time (16:30 UTC on 31 March) for a meeting held on 31 March
    _freeze(monkeypatch, datetime(2024, 3, 31, 16, 30, tzinfo=UTC))
    obligation_record(
        actor=user, key=MEETING, unit=unit, held_on=date(2024, 3, 31), person="王局长", note="纪要"
    )
    from portal.supervision.selectors import duty_rows

    (row,) = [r for r in duty_rows(user, today=clock.today()) if r.key == MEETING]
    assert [(p.label, p.status.value) for p in row.periods] == [
        ("2024年3月", "met"),
        ("2024年4月", "open"),
    ]


def test_refusals(monkeypatch, safety, world) -> None:
    unit, user = safety
    _freeze(monkeypatch, datetime(2024, 6, 1, 4, 0, tzinfo=UTC))

    def refused(code: str, **kw) -> None:
        args = {
            "actor": user,
            "key": MEETING,
            "unit": unit,
            "held_on": date(2024, 5, 3),
            "person": "王局长",
            "note": "纪要",
            **kw,
        }
        with pytest.raises(DomainError) as err:
            obligation_record(**args)
        assert err.value.code == code

    refused("supervision.not_your_unit", unit=world.finance)  # another unit's duty
    refused("supervision.obligation_future", held_on=date(2024, 6, 2))  # tomorrow in Shanghai
    refused("supervision.obligation_span", held_on=date(2024, 2, 28))  # before the notice
    refused("supervision.obligation_note", note=" ")
    refused("supervision.obligation_person", person="")
    refused("schedule.obligation", key="weekly_tea")
    refused("supervision.read_only", actor=world.auditor)
    assert not ObligationRecord.objects.exists()
    # the 督查室 may record for any unit
    obligation_record(
        actor=world.inspector,
        key=MEETING,
        unit=unit,
        held_on=date(2024, 5, 3),
        person="王局长",
        note="纪要",
    )


def test_a_unit_sees_only_its_own_duties(login, monkeypatch, safety, world) -> None:
    unit, user = safety
    _freeze(monkeypatch, datetime(2024, 6, 1, 4, 0, tzinfo=UTC))
    obligation_record(
        actor=user,
        key=MEETING,
        unit=unit,
        held_on=date(2024, 5, 3),
        person="王局长",
        note="秘密纪要",
    )
    page = login(world.finance_user).get("/supervision/duties/")
    assert page.context["rows"] == []
    assert "秘密纪要" not in page.content.decode()
    # posting for another unit is not possible: a unit user records for its own unit only
    login(world.finance_user).post(
        "/supervision/duties/",
        {
            "obligation": MEETING,
            "held_on": "2024-05-04",
            "person": "x",
            "note": "y",
            "unit": unit.pk,
        },
    )
    assert not ObligationRecord.objects.filter(unit=unit, held_on=date(2024, 5, 4)).exists()
    inspector_page = login(world.inspector).get("/supervision/duties/")
    assert "秘密纪要" in inspector_page.content.decode()


def test_bulletin_lists_missed_periods_in_html_docx_and_xlsx(
    login, monkeypatch, safety, world
) -> None:
    unit, user = safety
    _freeze(monkeypatch, datetime(2024, 7, 15, 4, 0, tzinfo=UTC))
    for day in (date(2024, 4, 8), date(2024, 6, 30)):
        obligation_record(
            actor=user, key=MEETING, unit=unit, held_on=day, person="王局长", note="纪要"
        )
    client = login(world.inspector)
    params = {"start": "2024-04-01", "end": "2024-06-30"}
    missed = client.get("/supervision/bulletin/", params).context["missed"]
    meeting = [(m["unit"], m["period"]) for m in missed if m["obligation"] == "安委会会议"]
    assert meeting == [("区应急管理局", "2024年5月")]  # April and June met; July not in the period
    doc = client.get("/supervision/bulletin/", {**params, "format": "docx"})
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(doc.content)).paragraphs)
    assert "区应急管理局: 2024年5月安委会会议应至少开展1次,实际开展0次。" in text
    book = load_workbook(
        io.BytesIO(client.get("/supervision/bulletin/", {**params, "format": "xlsx"}).content)
    )
    rows = list(book["周期性工作未落实"].values)
    assert ("区应急管理局", "安委会会议", "2024年5月", 0, 1) in rows
