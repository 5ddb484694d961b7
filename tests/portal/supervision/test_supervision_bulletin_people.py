"""A bulletin names, per unit, the 责任领导 and 责任人 of its overdue and behind tasks — in the page,
the .docx and the .xlsx — and only of those."""

from __future__ import annotations

import io
from datetime import date

from docx import Document as DocxDocument
from openpyxl import load_workbook

from portal.supervision.services import loop_act

LATE = {"start": "2024-01-01", "end": "2025-01-31"}  # after every 12-31 deadline


def _finance(page) -> dict:
    return {f["unit"]: f for f in page.context["figures"]}["区财政局"]


def test_overdue_tasks_name_their_leader_and_persons(login, world) -> None:
    # 二、(二)2 (责任人 毋晋艳) is done before the period ends: she is not named
    task = world.task("二、(二)2")
    loop_act(
        actor=world.finance_user,
        item=task,
        action="submit",
        evidence="验收报告",
        on=date(2024, 6, 1),
    )
    loop_act(actor=world.inspector, item=task, action="pass", on=date(2024, 6, 2))
    client = login(world.inspector)
    f = _finance(client.get("/supervision/bulletin/", LATE))
    assert (f["overdue"], f["done"]) == (3, 1)
    assert f["overdue_leaders"] == ["暴晋忠"]
    assert f["overdue_persons"] == ["张伟", "邵洁"]
    assert "毋晋艳" not in f["overdue_persons"] + f["behind_persons"]
    html = client.get("/supervision/bulletin/", LATE).content.decode()
    assert "逾期: 责任领导暴晋忠 责任人张伟、邵洁" in html
    doc = client.get("/supervision/bulletin/", {**LATE, "format": "docx"})
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(doc.content)).paragraphs)
    assert "区财政局: 逾期3项,责任领导暴晋忠,责任人张伟、邵洁。" in text
    sheet = load_workbook(
        io.BytesIO(client.get("/supervision/bulletin/", {**LATE, "format": "xlsx"}).content)
    )["通报"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["区财政局"][6:10] == ("暴晋忠", "张伟、邵洁", None, None)  # nothing merely behind


def test_behind_tasks_are_named_as_behind_and_on_track_ones_not_at_all(login, world) -> None:
    client = login(world.inspector)
    # on 2024-12-31 nothing is overdue yet; with no progress reported all four are behind
    f = _finance(client.get("/supervision/bulletin/", {"start": "2024-01-01", "end": "2024-12-31"}))
    assert (f["behind"], f["overdue"]) == (4, 0)
    assert (f["behind_leaders"], f["overdue_leaders"]) == (["暴晋忠"], [])
    assert f["behind_persons"] == ["张伟", "毋晋艳", "邵洁"]
    # early in the year, on track: nobody is named
    f = _finance(client.get("/supervision/bulletin/", {"start": "2024-01-01", "end": "2024-03-20"}))
    assert f["behind"] == f["overdue"] == 0
    assert f["behind_leaders"] == f["behind_persons"] == f["overdue_persons"] == []
