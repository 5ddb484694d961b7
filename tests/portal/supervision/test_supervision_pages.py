"""The ledger and a task's loop through the pages: visibility, working a task, verifying, exports."""

from __future__ import annotations

import io
from datetime import date

from docx import Document as DocxDocument
from openpyxl import load_workbook

from portal.accounts.roles import Role
from portal.supervision.models import Bulletin, LoopItem
from portal.supervision.services import loop_act


def test_ledger_needs_login(client, world) -> None:
    assert client.get("/supervision/").status_code == 302


def test_unit_user_sees_only_its_own_units_tasks(login, world) -> None:
    client = login(world.finance_user)
    page = client.get("/supervision/")
    assert page.status_code == 200
    ids = {r.item.pk for r in page.context["rows"]}
    assert ids
    visible = LoopItem.objects.filter(pk__in=ids)
    assert all(
        i.unit_id == world.finance.pk or i.co_units.filter(pk=world.finance.pk).exists()
        for i in visible
    )
    assert (
        visible.filter(unit=world.finance, source="城政办发〔2024〕9号").count() == 4
    )  # its four tasks
    assert visible.filter(number="一、(一)1").exists()  # 区长's task for 区直各有关单位
    assert world.task("二、(四)1").pk not in ids  # 区商务局's


def test_unit_user_cannot_read_or_change_another_units_task(login, world) -> None:
    other = world.task("二、(四)1")  # 区商务局
    client = login(world.finance_user)
    assert client.get(f"/supervision/item/{other.pk}/").status_code == 404
    assert (
        client.post(f"/supervision/item/{other.pk}/act/", {"action": "accept"}).status_code == 404
    )
    assert client.get(f"/api/v1/supervision/tasks?unit={world.commerce.pk}").json() == []
    response = client.post(
        f"/api/v1/supervision/items/{other.pk}/act",
        {"action": "accept"},
        content_type="application/json",
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.state == "dispatched"


def test_department_user_works_a_task_and_the_inspectorate_closes_it(login, client, world) -> None:
    task = world.task("二、(二)2")
    login(world.finance_user)
    url = f"/supervision/item/{task.pk}/act/"
    client.post(url, {"action": "accept"})
    client.post(url, {"action": "progress", "progress": "60", "text": "平台已上线试运行"})
    client.post(url, {"action": "submit", "evidence": "云公物仓平台验收报告"})
    task.refresh_from_db()
    assert (task.state, task.progress, task.submitted_by) == ("submitted", 100, world.finance_user)
    # the unit cannot pass its own work
    response = client.post(url, {"action": "pass"}, follow=True)
    assert "只有督查室" in response.content.decode()
    login(world.inspector)
    client.post(url, {"action": "pass"})
    task.refresh_from_db()
    assert task.state == "closed"
    # a progress report on a closed task: a clear refusal
    login(world.finance_user)
    page = client.post(
        url, {"action": "progress", "progress": "100", "text": "补充"}, follow=True
    ).content.decode()
    assert "事项已办结,不能再操作" in page
    assert [e.action for e in task.events.order_by("pk")] == [
        "dispatch",
        "accept",
        "progress",
        "submit",
        "pass",
    ]


def test_inspectorate_returns_and_the_colour_turns_yellow(login, client, world) -> None:
    task = world.task("二、(二)3")
    # an extension asked in time moves the due date past today, so the colour is not simply red
    loop_act(
        actor=world.finance_user,
        item=task,
        action="request_extension",
        on=date(2024, 4, 1),
        text="系统对接延后",
        new_due=date(2099, 12, 31),
    )
    loop_act(actor=world.inspector, item=task, action="approve_extension", on=date(2024, 4, 2))
    loop_act(
        actor=world.finance_user,
        item=task,
        action="progress",
        progress=99,
        text="基本完成",
        on=date(2024, 5, 1),
    )
    assert (
        login(world.finance_user).get(f"/supervision/item/{task.pk}/").context["row"].colour
        == "green"
    )
    loop_act(
        actor=world.finance_user, item=task, action="submit", evidence="材料", on=date(2024, 6, 1)
    )
    login(world.inspector)
    client.post(
        f"/supervision/item/{task.pk}/act/",
        {"action": "return", "text": "缺少资金支付一网通办佐证"},
    )
    task.refresh_from_db()
    assert (task.state, task.returns) == ("returned", 1)
    page = login(world.finance_user).get(f"/supervision/item/{task.pk}/")
    assert page.context["row"].colour == "yellow"
    assert "滞后或退回" in page.content.decode()


def test_overdue_task_is_red_and_can_be_escalated(login, client, world) -> None:
    task = world.task("二、(二)4")
    login(world.inspector)
    page = client.get(f"/supervision/item/{task.pk}/")
    assert page.context["row"].colour == "red"  # due 2024-12-31, today is later
    client.post(f"/supervision/item/{task.pk}/act/", {"action": "escalate"})
    task.refresh_from_db()
    assert task.escalation == 1


def test_extension_asked_before_due_and_approved(login, client, world) -> None:
    task = world.task("十、(二)1")  # 一季度 → 2024-03-31
    from portal.accounts.models import Department

    user = world.finance_user
    user.department = Department.objects.get(pk=task.unit_id)
    user.save()
    loop_act(
        actor=user,
        item=task,
        action="request_extension",
        on=date(2024, 3, 25),
        text="手续集中办理延后",
        new_due=date(2024, 4, 30),
    )
    login(world.inspector)
    client.post(f"/supervision/item/{task.pk}/act/", {"action": "approve_extension"})
    task.refresh_from_db()
    assert (task.due, task.pending_due) == (date(2024, 4, 30), None)


def test_auditor_reads_everything_and_changes_nothing(login, client, world) -> None:
    task = world.task("二、(二)4")
    login(world.auditor)
    assert client.get(f"/supervision/item/{task.pk}/").status_code == 200
    page = client.post(
        f"/supervision/item/{task.pk}/act/", {"action": "pass"}, follow=True
    ).content.decode()
    assert "审计账户只能查看" in page


def test_filters_overdue_leader_and_livelihood(login, world) -> None:
    client = login(world.inspector)
    page = client.get("/supervision/", {"leader": "张海忠"})
    assert {r.item.leader for r in page.context["rows"]} == {"张海忠"}
    board = client.get("/supervision/", {"livelihood": "1"})
    assert board.context["page"].paginator.count == 24
    overdue = client.get("/supervision/", {"overdue": "1"})
    assert overdue.context["page"].paginator.count == 173  # today is past every 2024 deadline
    assert all(r.colour == "red" for r in overdue.context["rows"])


def test_ledger_exports_xlsx(login, world) -> None:
    client = login(world.finance_user)
    response = client.get("/supervision/", {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("序号", "来源文号", "任务内容")
    shown = client.get("/supervision/").context["page"].paginator.count
    assert len(values) == 1 + shown
    assert sum(v[4] == "区财政局" for v in values[1:]) == 4
    assert not any(v[4] == "区商务局" for v in values[1:])


def test_bulletin_docx_xlsx_and_publish(login, client, world) -> None:
    login(world.inspector)
    params = {"start": "2024-01-01", "end": "2024-12-31"}
    page = client.get("/supervision/bulletin/", params)
    figures = {f["unit"]: f for f in page.context["figures"]}
    assert (
        figures["区财政局"]["behind"] == 4
    )  # due on the last day, nothing reported: behind, not yet overdue
    later = client.get("/supervision/bulletin/", {"start": "2024-01-01", "end": "2025-01-31"})
    assert {f["unit"]: f for f in later.context["figures"]}["区财政局"]["overdue"] == 4
    by_leader = client.get("/supervision/bulletin/", {**params, "by": "leader"}).context["figures"]
    assert {f["unit"]: f["total"] for f in by_leader}["冯晓伟"] == 19  # 二、: 5+4+1+6+2+1 tasks
    doc = client.get("/supervision/bulletin/", {**params, "format": "docx"})
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(doc.content)).paragraphs)
    assert "城政办发〔2024〕9号" in text
    book = client.get("/supervision/bulletin/", {**params, "format": "xlsx"})
    assert load_workbook(io.BytesIO(book.content)).active["A2"].value == "单位"
    client.post("/supervision/bulletin/?start=2024-01-01&end=2024-12-31")
    assert Bulletin.objects.count() == 1
    login(world.finance_user)
    client.post("/supervision/bulletin/?start=2024-01-01&end=2024-12-31")
    assert Bulletin.objects.count() == 1


def test_schedule_page_lists_steps_and_recurring_duties(login, world) -> None:
    page = login(world.inspector).get("/supervision/schedule/").content.decode()
    assert "普查标准时点" in page
    assert "安委会会议" in page


def test_api_lists_tasks_for_the_inspectorate_and_refuses_strangers(
    login, client, world, make_user
) -> None:
    login(world.inspector)
    body = client.get(
        "/api/v1/supervision/tasks",
        {"source": "城政办发〔2024〕9号", "livelihood": "true", "limit": "500"},
    ).json()
    assert len(body) == 24
    assert {"id", "deadline", "deadline_source", "milestones", "state"} <= set(body[0])
    login(make_user("ent", Role.ENTERPRISE))
    assert client.get("/api/v1/supervision/tasks").status_code == 403
