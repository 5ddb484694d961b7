"""What the plans require on an incident, in the portal: working-group tasks per level, zone
checklists, the sample chain, the compensation ledger and the assessment report — and who may
see and change them."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from chengqu.command.plan_tasks import animal_measures, assessment_form, water_tasks
from chengqu.common import DomainError
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.command import plan_services, services
from portal.command.models import Assessment, Compensation, Incident, SampleStep, Task

WATER = "饮用水水源地突发环境事件"
ANIMAL = "突发重大动物疫情"


def _keys(incident: Incident) -> list[str]:
    return list(incident.tasks.order_by("order").values_list("key", flat=True))


# ------------------------------------------------------------------ water tasks


def test_a_red_warning_and_level_one_put_exactly_the_plans_tasks_on_the_incident(register, office):
    incident = register(WATER)
    services.incident_water_classify(
        incident=incident, entered_zone=True, impact="large", in_area=True, actor=office
    )
    incident.refresh_from_db()
    assert (incident.warning, incident.level) == ("红色", "Ⅰ")
    expected = [t.key for t in water_tasks("红色", "Ⅰ").value]
    assert _keys(incident) == expected
    task = incident.tasks.get(key="w5.2.3.4")
    assert task.group == "供水保障组"
    assert (task.document, task.clause) == ("城政办发〔2024〕7号", "5.2.3(4)")
    assert "拉水车" in task.text
    assert incident.events.filter(kind="tasks").exists()
    # Classifying again at the same level adds nothing.
    services.incident_water_classify(
        incident=incident, entered_zone=True, impact="large", in_area=True, actor=office
    )
    assert _keys(incident) == expected


def test_an_orange_warning_with_level_two_gets_only_those_tasks(register, office):
    incident = register(WATER)
    services.incident_water_classify(
        incident=incident, entered_zone=False, impact=None, in_area=True, actor=office
    )
    incident.refresh_from_db()
    assert (incident.warning, incident.level) == ("橙色", "Ⅱ")
    assert _keys(incident) == [t.key for t in water_tasks("橙色", "Ⅱ").value]
    assert not incident.tasks.filter(clause__startswith="5.1.2").exists()
    assert not incident.tasks.filter(key="w3.5.red").exists()


def test_raising_the_level_adds_the_new_tasks_and_keeps_what_was_done(register, office):
    incident = register(WATER)
    services.incident_water_classify(
        incident=incident, entered_zone=True, impact="small", in_area=True, actor=office
    )
    first = incident.tasks.get(key="w5.1.1.1")
    plan_services.task_mark(task=first, done=True, actor=office)
    services.incident_water_classify(
        incident=incident, entered_zone=True, impact="large", in_area=True, actor=office
    )
    incident.refresh_from_db()
    assert set(_keys(incident)) == {t.key for t in water_tasks("橙色", "Ⅱ").value} | {
        t.key for t in water_tasks("红色", "Ⅰ").value
    }
    assert incident.tasks.get(key="w5.1.1.1").done_at is not None


def test_hq_members_mark_tasks_done_with_who_and_when(register, office, login):
    incident = register(WATER)
    services.incident_water_classify(
        incident=incident, entered_zone=True, impact="large", in_area=True, actor=office
    )
    task = incident.tasks.get(key="w3.5.4")
    client = login(office)
    response = client.post(f"/command/incidents/{incident.pk}/task/{task.pk}/", {"done": "1"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_by == office
    assert task.done_at is not None
    assert AuditEntry.objects.filter(action="command.task.mark", object_id=str(task.pk)).exists()
    page = client.get(f"/command/incidents/{incident.pk}/").content.decode()
    assert "宣传报道组" in page
    assert "舆论引导" in page
    assert "已完成" in page
    assert "分工按工作组名称推定" in page  # the inferred assignments say so
    client.post(f"/command/incidents/{incident.pk}/task/{task.pk}/", {"done": "0"})
    task.refresh_from_db()
    assert task.done_at is None


def test_tasks_on_a_closed_incident_cannot_be_changed(register, office):
    incident = register(WATER)
    services.incident_water_classify(
        incident=incident, entered_zone=False, impact=None, in_area=True, actor=office
    )
    incident.refresh_from_db()
    services.incident_terminate(
        incident=incident, actor=office, ordered_by=incident.started_by, met=[1, 2, 3, 4]
    )
    with pytest.raises(DomainError) as caught:
        plan_services.task_mark(task=incident.tasks.first(), done=True, actor=office)  # type: ignore[arg-type]
    assert caught.value.code == "command.incident_closed"


# ------------------------------------------------------------------ access


def test_another_units_user_sees_and_changes_none_of_it(
    register, office, make_user, login, town, other_town
):
    incident = register(ANIMAL, department=other_town)
    services.incident_animal_declare(incident=incident, level="Ⅲ", actor=office)
    task = incident.tasks.first()
    assert task is not None
    outsider = login(make_user("town-user", Role.UNIT, department=town))
    base = f"/command/incidents/{incident.pk}"
    for url in (
        f"{base}/",
        f"{base}/compensation.xlsx",
        f"{base}/assessment/",
        f"{base}/assessment.docx",
    ):
        assert outsider.get(url).status_code == 403, url
    for url, data in (
        (f"{base}/task/{task.pk}/", {"done": "1"}),
        (f"{base}/sample/", {"step": "0", "field": "sent_at", "at": "2026-01-01T08:00"}),
        (f"{base}/compensation/", {"kind": "扑杀动物"}),
        (f"{base}/assessment/", {"section:疫情基本情况和发生的经过": "x"}),
    ):
        assert outsider.post(url, data).status_code == 403, url
    task.refresh_from_db()
    assert task.done_at is None
    assert not Compensation.objects.exists()
    assert not Assessment.objects.exists()


def test_the_units_own_user_reads_but_does_not_write(register, office, make_user, login, town):
    incident = register(ANIMAL, department=town)
    services.incident_animal_declare(incident=incident, level="Ⅲ", actor=office)
    reader = login(make_user("town-reader", Role.UNIT, department=town))
    page = reader.get(f"/command/incidents/{incident.pk}/").content.decode()
    assert "疫点" in page
    assert "标记完成" not in page
    assert reader.get(f"/command/incidents/{incident.pk}/compensation.xlsx").status_code == 200
    task = incident.tasks.first()
    assert task is not None
    assert (
        reader.post(f"/command/incidents/{incident.pk}/task/{task.pk}/", {"done": "1"}).status_code
        == 403
    )
    assert (
        reader.post(
            f"/command/incidents/{incident.pk}/assessment/", {"section:改进建议和应对措施": "x"}
        ).status_code
        == 403
    )


def test_auditors_cannot_write_through_the_services(register, office, make_user):
    incident = register(ANIMAL)
    auditor = make_user("aud", Role.AUDITOR)
    with pytest.raises(DomainError):
        plan_services.compensation_add(
            incident=incident,
            actor=auditor,
            kind="扑杀动物",
            item="生猪",
            owner="张三",
            quantity="1",
            unit="头",
            amount="1",
            basis="x",
        )
    with pytest.raises(DomainError):
        plan_services.assessment_save(incident=incident, content={}, actor=auditor)


# ------------------------------------------------------------------ animal measures


def test_declaring_an_animal_response_puts_the_zone_checklists_on_the_incident(
    register, office, login
):
    incident = register(ANIMAL)
    services.incident_animal_declare(incident=incident, level="Ⅱ", actor=office)
    expected = {z: [m.key for m in items] for z, items in animal_measures().value.items()}
    for zone, keys in expected.items():
        assert (
            list(incident.tasks.filter(group=zone).order_by("order").values_list("key", flat=True))
            == keys
        )
    assert all(
        t.clause == "4.3" and t.document == "城政办发〔2024〕2号" for t in incident.tasks.all()
    )
    item = incident.tasks.get(key="a4.3.threat.vaccinate")
    plan_services.task_mark(task=item, done=True, actor=office)
    page = login(office).get(f"/command/incidents/{incident.pk}/").content.decode()
    assert "响应措施清单" in page
    assert "对受威胁区的易感动物严格按规定实施紧急免疫接种" in page
    assert "已完成" in page


# ------------------------------------------------------------------ sample chain


def test_the_sample_chain_is_recorded_in_order(register, office, login):
    incident = register(ANIMAL, minutes_ago=600)
    t0 = timezone.now() - timedelta(hours=8)
    with pytest.raises(DomainError) as caught:
        plan_services.sample_record(incident=incident, step=1, field="sent_at", at=t0, actor=office)
    assert "须先记录市畜牧兽医服务中心的结果" in caught.value.message
    plan_services.sample_record(incident=incident, step=0, field="sent_at", at=t0, actor=office)
    plan_services.sample_record(
        incident=incident, step=0, field="received_at", at=t0 + timedelta(hours=1), actor=office
    )
    plan_services.sample_record(
        incident=incident,
        step=0,
        field="result_at",
        at=t0 + timedelta(hours=3),
        result="不能认定",
        actor=office,
    )
    row = plan_services.sample_record(
        incident=incident, step=1, field="sent_at", at=t0 + timedelta(hours=4), actor=office
    )
    assert row.lab == "省动物疫病预防控制中心"
    assert SampleStep.objects.filter(incident=incident).count() == 3
    assert incident.events.filter(kind="sample").count() == 4
    client = login(office)
    # Through the page: a step before its predecessor is refused with the reason shown.
    response = client.post(
        f"/command/incidents/{incident.pk}/sample/",
        {
            "step": "2",
            "field": "sent_at",
            "at": timezone.localtime(t0 + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    assert "须先记录省动物疫病预防控制中心的结果" in response.content.decode()
    assert SampleStep.objects.get(incident=incident, step=2).sent_at is None
    page = client.get(f"/command/incidents/{incident.pk}/").content.decode()
    assert "不能认定" in page
    assert "国家参考实验室" in page


def test_sample_times_cannot_be_in_the_future_or_before_the_incident(register, office):
    incident = register(ANIMAL, minutes_ago=60)
    with pytest.raises(DomainError):
        plan_services.sample_record(
            incident=incident,
            step=0,
            field="sent_at",
            at=timezone.now() + timedelta(hours=1),
            actor=office,
        )
    with pytest.raises(DomainError):
        plan_services.sample_record(
            incident=incident,
            step=0,
            field="sent_at",
            at=timezone.now() - timedelta(hours=5),
            actor=office,
        )


def test_samples_belong_to_animal_incidents_only(register, office):
    incident = register(WATER)
    with pytest.raises(DomainError) as caught:
        plan_services.sample_record(
            incident=incident, step=0, field="sent_at", at=timezone.now(), actor=office
        )
    assert caught.value.code == "command.plan_mismatch"


# ------------------------------------------------------------------ compensation


def test_the_compensation_ledger_keeps_exact_yuan_and_exports_xlsx(register, office, login):
    incident = register(ANIMAL)
    plan_services.compensation_add(
        incident=incident,
        actor=office,
        kind="扑杀动物",
        item="生猪",
        owner="张三养殖场",
        quantity="120",
        unit="头",
        amount="96000.10",
        basis="省强制扑杀补助标准",
    )
    plan_services.compensation_add(
        incident=incident,
        actor=office,
        kind="销毁动物产品",
        item="猪肉",
        owner="李四",
        quantity="0.5",
        unit="吨",
        amount="0.20",
        basis="市规定",
    )
    client = login(office)
    page = client.get(f"/command/incidents/{incident.pk}/").content.decode()
    assert "96000.30" in page  # the total, exact
    data = client.get(f"/command/incidents/{incident.pk}/compensation.xlsx")
    assert data.status_code == 200
    sheet = load_workbook(io.BytesIO(data.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:7] == ("序号", "类别", "物品", "所有人", "数量", "单位", "补偿金额(元)")
    assert rows[2][3] == "张三养殖场"
    assert Decimal(str(rows[2][6])) == Decimal("96000.10")
    assert rows[-1][0] == "合计"
    assert Decimal(str(rows[-1][6])) == Decimal("96000.30")
    assert AuditEntry.objects.filter(action="command.compensation.add").count() == 2


def test_bad_compensation_input_is_refused_and_nothing_saved(register, office, login):
    incident = register(ANIMAL)
    response = login(office).post(
        f"/command/incidents/{incident.pk}/compensation/",
        {
            "kind": "扑杀动物",
            "item": "生猪",
            "owner": "张三",
            "quantity": "3",
            "unit": "头",
            "amount": "12.345",
            "basis": "规定",
        },
        follow=True,
    )
    assert "补偿金额最多保留到分" in response.content.decode()
    assert not Compensation.objects.exists()


def test_compensation_may_be_recorded_after_the_response_ended(register, office):
    incident = register(ANIMAL)
    services.incident_terminate(
        incident=incident, actor=office, ordered_by="区突发重大动物疫情指挥部"
    )
    line = plan_services.compensation_add(
        incident=incident,
        actor=office,
        kind="征集使用物资设备",
        item="消毒车",
        owner="某公司",
        quantity="1",
        unit="辆",
        amount="3000",
        basis="按规定给予合理补偿",
    )
    assert line.amount == Decimal("3000.00")


# ------------------------------------------------------------------ assessment report


def test_the_assessment_is_saved_as_typed_and_filed_only_complete_and_after_the_end(
    register, office, login
):
    incident = register(ANIMAL)
    form = assessment_form("plan_animal_epidemic")
    client = login(office)
    url = f"/command/incidents/{incident.pk}/assessment/"
    assert "疫情基本情况和发生的经过" in client.get(url).content.decode()
    first = form.sections[0].name
    saved = client.post(url, {f"section:{first}": "1月3日发现疑似病例"}, HTTP_X_AUTOSAVE="1")
    assert saved.json()["saved"] is True
    report = Assessment.objects.get(incident=incident)
    assert report.content == {first: "1月3日发现疑似病例"}
    full = {f"section:{s.name}": "内容" for s in form.sections}
    early = client.post(url, {**full, "file": "1"})
    assert "响应终止" in early.content.decode()
    services.incident_terminate(
        incident=incident, actor=office, ordered_by="区突发重大动物疫情指挥部"
    )
    partial = dict(full)
    partial[f"section:{form.sections[2].name}"] = "  "
    refused = client.post(url, {**partial, "file": "1"})
    assert "以下必填部分尚未填写" in refused.content.decode()
    assert form.sections[2].name in refused.content.decode()
    report.refresh_from_db()
    assert report.status == Assessment.Status.DRAFT
    assert (
        form.sections[2].name not in report.content
    )  # the draft kept what was typed, minus the blank
    done = client.post(url, {**full, "file": "1"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == Assessment.Status.FILED
    assert report.filed_by == office
    with pytest.raises(DomainError):
        plan_services.assessment_save(incident=incident, content={}, actor=office)
    doc = Document(
        io.BytesIO(client.get(f"/command/incidents/{incident.pk}/assessment.docx").content)
    )
    headings = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert [h.split(". ", 1)[1] for h in headings] == [s.name for s in form.sections]


def test_the_water_report_may_leave_other_matters_empty(register, office):
    incident = register(WATER)
    services.incident_terminate(incident=incident, actor=office, ordered_by="x")
    form = assessment_form("plan_water_source")
    content = {s.name: "内容" for s in form.sections if s.required}
    plan_services.assessment_save(incident=incident, content=content, actor=office)
    report = plan_services.assessment_file(incident=incident, actor=office)
    assert report.status == Assessment.Status.FILED


def test_an_incident_without_a_plan_has_no_assessment_form(register, office, login):
    incident = register("地震")
    assert login(office).get(f"/command/incidents/{incident.pk}/assessment/").status_code == 404


# ------------------------------------------------------------------ incubation table


def test_the_animal_page_marks_unverified_incubation_periods(register, office, login):
    incident = register(ANIMAL)
    page = login(office).get(f"/command/incidents/{incident.pk}/").content.decode()
    assert "最长潜伏期表" in page
    assert "未核实" in page
    assert "Art. 15.1.1" in page


def test_tasks_are_unique_per_incident(register, office):
    incident = register(WATER)
    services.incident_water_classify(
        incident=incident, entered_zone=None, impact=None, in_area=True, actor=office
    )
    assert Task.objects.filter(incident=incident).count() == len(set(_keys(incident)))
