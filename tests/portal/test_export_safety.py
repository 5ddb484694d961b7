"""Every download (.xlsx, .docx) holds stored text as text: a value that would start a formula is a
string cell, a control character is removed, and numbers stay numbers (issue 18, OWASP CSV injection).

The hostile values are put into the database directly (services, then the ORM), as an import, an old
row or another path could have stored them; the forms' own refusal of control characters is not what
is tested here. ``test_every_file_download_is_walked`` keeps the list of cases complete.
"""

from __future__ import annotations

import csv
import inspect
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from docx import Document
from openpyxl import Workbook, load_workbook

from portal.accounts.models import Department, User
from portal.accounts.roles import Role
from portal.core import exports

pytestmark = pytest.mark.django_db

# What an attacker or a careless paste stores (issue 18 and OWASP's examples).
FORMULAS = (
    "=1+1",
    "@SUM(A1)",
    "+1",
    "-1",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","点我")',
)
CONTROLS = {"甲\x01乙": "甲乙", "丙\x1f丁": "丙丁", "戊\x0b己": "戊己"}
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Case:
    url: str
    texts: list[str]  # as stored; each must appear (cleaned) in the file
    numbers: list[Decimal] = field(default_factory=list)  # must appear as numeric cells
    kind: str = "xlsx"


def _hostile(n: int) -> list[str]:
    """``n`` hostile values, the formulas first, then text with control characters."""
    pool = [*FORMULAS, *CONTROLS]
    return [pool[i % len(pool)] for i in range(n)]


def _cleaned(text: str) -> str:
    return FORBIDDEN.sub("", text)


@pytest.fixture
def auditor(make_user) -> User:
    return make_user("export-auditor", Role.AUDITOR)


# ------------------------------------------------------------------ the records each export holds


def audit_case(make_user, unit, auditor) -> list[Case]:
    from portal.audit.services import audit_record

    with transaction.atomic():
        for text in _hostile(9):
            audit_record(
                actor=auditor,
                action="test.hostile",
                object_type="test",
                object_id="1",
                object_repr=text,
            )
    return [Case("/audit/export.xlsx", _hostile(9), [Decimal(1)])]


def air_cases(make_user, unit, auditor) -> list[Case]:
    from portal.air import services
    from portal.air.loading import load_hq_posts, load_member_units
    from portal.air.models import EnterpriseMeasure, ListEnterprise, WarningDecision
    from portal.core.loading import load_units

    load_units()
    load_member_units()
    load_hq_posts()
    office = make_user(
        "air-office", Role.HQ_OFFICE, department=Department.objects.get(code="sthjfj")
    )
    name, code, industry, klass, measure = _hostile(5)
    ent = ListEnterprise.objects.create(
        year=2026,
        name=name,
        credit_code=code,
        industry=industry,
        performance_class=klass,
        so2=Decimal("-1.5"),
    )
    EnterpriseMeasure.objects.create(
        enterprise=ent, response="III", text=measure, so2=Decimal("2.25"), nox=0, pm=0, vocs=0
    )
    decision = services.warning_draft(
        actor=office, forecast={"kind": "daily", "values": [201, 201]}, note="演示"
    )
    note, opinion = "=1+1\x01", "@SUM(A1)"
    WarningDecision.objects.filter(pk=decision.pk).update(note=note, approval_opinion=opinion)
    return [
        Case(
            "/air/list/export.xlsx?year=2026",
            [name, code, industry, klass, measure],
            [Decimal("-1.5"), Decimal("2.25")],
        ),
        Case(f"/air/decision/{decision.pk}/approval.docx", ["=1+1", opinion], kind="docx"),
    ]


def command_cases(make_user, unit, auditor) -> list[Case]:
    from chengqu.command.plan_tasks import assessment_form
    from portal.command import plan_services
    from portal.command.loading import roster_load
    from portal.command.models import Assessment, Compensation
    from portal.command.services import incident_register
    from portal.core.loading import load_units

    load_units()
    roster_load()
    office = make_user("cmd-office", Role.HQ_OFFICE, department=unit())
    place = "北山\x01=1+1"
    incident = incident_register(
        actor=office,
        incident_type="突发重大动物疫情",
        place="北石店镇",
        occurred_at=timezone.now() - timedelta(minutes=10),
    )
    type(incident).objects.filter(pk=incident.pk).update(place=place)
    line = plan_services.compensation_add(
        incident=incident,
        actor=office,
        kind="扑杀动物",
        item="生猪",
        owner="张三",
        quantity="120",
        unit="头",
        amount="96000.10",
        basis="省标准",
    )
    kind, item, owner, unit_name, basis = _hostile(5)
    Compensation.objects.filter(pk=line.pk).update(
        kind=kind, item=item, owner=owner, unit=unit_name, basis=basis
    )
    incident.refresh_from_db()
    first = assessment_form(incident.plan).sections[0].name
    plan_services.assessment_save(incident=incident, content={first: "草稿"}, actor=office)
    Assessment.objects.filter(incident=incident).update(content={first: "=cmd|' /C calc'!A0\x1f"})
    return [
        Case(
            f"/command/incidents/{incident.pk}/compensation.xlsx",
            [kind, item, owner, unit_name, basis, "北山=1+1"],
            [Decimal("96000.10"), Decimal(120)],
        ),
        Case(
            f"/command/incidents/{incident.pk}/assessment.docx",
            ["北山=1+1", "=cmd|' /C calc'!A0"],
            kind="docx",
        ),
    ]


def _fund_world(make_user, unit) -> dict[str, Any]:
    from portal.fund.access import OPERATOR_CODE
    from portal.fund.loading import load_operator

    load_operator()
    ent = unit("qy-a", "晋城甲企业有限公司", "enterprise")
    bank = unit("yh-a", "甲银行城区支行", "bank")
    return {
        "ent": ent,
        "bank": bank,
        "ent_user": make_user("ent-a", Role.ENTERPRISE, department=ent),
        "bank_user": make_user("bank-a", Role.BANK, department=bank),
        "operator": make_user(
            "op", Role.UNIT, department=Department.objects.get(code=OPERATOR_CODE)
        ),
        "finance": make_user("jrb", Role.FINANCE_OFFICE),
    }


def fund_cases(make_user, unit, auditor) -> list[Case]:
    from chengqu.fund import EntityKind, Stage, document_checklist
    from chengqu.fund.eligibility import FACT_NAMES
    from portal.fund import services
    from portal.fund.models import Application

    w = _fund_world(make_user, unit)
    # the ledger is append-only (a trigger refuses changes): its hostile memo goes in through the service
    memo = '=HYPERLINK("http://evil.example","点我")'
    services.capital_pay_in(
        actor=w["finance"], amount="10000000", day=date(2024, 4, 10), key="2024-1", memo=memo
    )

    def docs(stage: Stage) -> list[str]:
        return [i.key for i in document_checklist(stage, EntityKind.ENTERPRISE) if i.required]

    app = services.application_create(
        actor=w["ent_user"],
        data={
            "bank": w["bank"],
            "maturing_amount": Decimal("5000000"),
            "maturity": date(2024, 10, 14),
            "requested": Decimal("5000000"),
            "industry": "制造业",
            "purpose": "归还到期流动资金贷款",
        },
    )
    app = services.application_submit(actor=w["ent_user"], application=app, day=date(2024, 9, 18))
    app = services.application_sign(
        actor=w["bank_user"],
        application=app,
        signed_on=date(2024, 9, 20),
        opinion="同意",
        renewal_amount=app.requested,
        documents=docs(Stage.APPLICATION),
    )
    excluded = {
        "on_closure_or_obsolete_capacity_list",
        "defaulted_on_repayment",
        "owes_fees",
        "misused_funds",
    }
    app = services.application_review(
        actor=w["operator"],
        application=app,
        day=date(2024, 9, 26),
        facts={n: n not in excluded for n in FACT_NAMES},
        documents=docs(Stage.REVIEW),
        planned_repayment=date(2024, 10, 18),
    )
    app = services.application_contract(
        actor=w["operator"], application=app, signed_on=date(2024, 9, 27)
    )
    app = services.application_disburse(actor=w["operator"], application=app, day=date(2024, 10, 8))
    industry, contact, contract_no, opinion, purpose, bank_name = _hostile(6)
    Application.objects.filter(pk=app.pk).update(
        industry=industry,
        contact=contact,
        loan_contract_no=contract_no,
        bank_opinion=opinion,
        purpose=purpose,
    )
    Department.objects.filter(pk=w["bank"].pk).update(name=bank_name)
    return [
        # the balances: capital is a credit (a negative Decimal), a number and not text
        Case("/fund/ledger.xlsx", [memo], [Decimal("10000000"), Decimal("-10000000")]),
        Case("/fund/reports.xlsx?kind=year&year=2024", [bank_name, industry], [Decimal("5000000")]),
        Case(
            f"/fund/{app.pk}/doc/application.docx",
            [industry, contact, contract_no, opinion, purpose, bank_name],
            kind="docx",
        ),
        Case(f"/fund/{app.pk}/doc/agreement.docx", [contract_no, bank_name], kind="docx"),
        Case(f"/fund/{app.pk}/doc/contract.docx", [bank_name], kind="docx"),
    ]


def incentives_cases(make_user, unit, auditor, monkeypatch, settings, tmp_path) -> list[Case]:
    from portal.incentives import services
    from portal.incentives.models import BatchResult, BatchRun, Claim, Payment

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("chengqu.common.clock.today", lambda: date(2024, 7, 15))
    acme = unit("acme", "城区甲演艺有限公司", "enterprise")
    tourism = unit("wlj", "区文化和旅游局", "organ")
    commerce = unit("swj", "区商务局", "organ")
    government = unit("qzf", "区人民政府办公室", "government")
    finance = make_user("jrb-user", Role.FINANCE_OFFICE)
    data = "企业标识,企业名称,一季度完成投资额(元)\nE1,甲公司,60000000\nE2,乙公司,abc\n".encode()
    batch = services.batch_run_create(
        actor=make_user("swj-user", Role.UNIT, department=commerce),
        file_name="名单.csv",
        data=data,
        as_of=date(2024, 7, 15),
    )
    enterprise_id, name = _hostile(2)
    BatchResult.objects.filter(batch=batch).update(
        enterprise_id=enterprise_id, enterprise_name=name
    )
    BatchRun.objects.filter(pk=batch.pk).update(
        file_name="=1+1\x01.csv",
        errors=[{"line": 3, "id": "-1", "field": "+1", "code": "@SUM(A1)", "message": "丙\x1f丁"}],
    )
    documents = [
        SimpleUploadedFile("证明.pdf", b"%PDF-1.4 x"),
        SimpleUploadedFile("照片.jpg", b"\xff\xd8jpg"),
    ]
    claim = services.claim_submit(
        actor=make_user("acme-user", Role.ENTERPRISE, department=acme),
        measure=14,
        facts={"tourism_show_performances_h1": "100"},
        documents=documents,
    )
    claim = services.claim_review(
        actor=make_user("wlj-user", Role.UNIT, department=tourism), claim=claim, approve=True
    )
    claim = services.claim_approve(
        actor=make_user("qzf-user", Role.UNIT, department=government), claim=claim, approve=True
    )
    services.claim_pay(actor=finance, claim=claim, reference="CZ-1")
    reference, tier, enterprise = "=cmd|' /C calc'!A0", "@SUM(A1)", "甲\x01乙"
    Payment.objects.filter(claim=claim).update(reference=reference)
    Claim.objects.filter(pk=claim.pk).update(tier=tier)
    Department.objects.filter(pk=acme.pk).update(name=enterprise)
    return [
        Case(
            f"/incentives/batch/{batch.pk}/export.xlsx",
            [enterprise_id, name, "=1+1.csv", "-1", "+1", "@SUM(A1)", "丙\x1f丁"],
            [Decimal("120000")],
        ),
        Case("/incentives/ledger/?format=xlsx", [reference, tier, enterprise], [Decimal("300000")]),
    ]


def relics_cases(make_user, unit, auditor, settings, tmp_path) -> list[Case]:
    from portal.accounts.services import department_upsert, user_create
    from portal.relics.models import Relic
    from portal.relics.services import relic_create

    settings.MEDIA_ROOT = tmp_path / "media"
    town = department_upsert(code="bsdz", name="北石店镇", kind="town")[0]
    bureau = department_upsert(code="wlj", name="区文旅局", kind="organ")[0]
    actor = user_create(
        username="wenwu", password="Str0ng-pass-for-tests", roles=(Role.UNIT,), department=bureau
    )
    base = {
        "name": "玉皇庙",
        "address": "府城村",
        "longitude": "112.861",
        "latitude": "35.531",
        "elevation": "760.5",
        "level": "全国重点",
        "category": "古建筑",
        "era": "宋",
        "ownership": "国有",
        "use": "开放参观",
        "state": "好",
        "managing_body": "文物管理所",
    }
    registered = relic_create(
        actor=actor, department=town, data=base, origin=Relic.Origin.REGISTERED, code="T0001"
    )
    found = relic_create(
        actor=actor,
        department=town,
        data={**base, "longitude": "112.9"},
        origin=Relic.Origin.NEW,
        code="",
    )
    name, address, era, ownership, use, body, note = _hostile(7)
    Relic.objects.filter(pk=registered.pk).update(name=name, address=address, era=era)
    Relic.objects.filter(pk=found.pk).update(
        ownership=ownership, use=use, managing_body=body, verified_note=note
    )
    return [
        Case("/relics/export/register.xlsx", [name, address, era, ownership, use, body]),
        Case("/relics/export/forms.xlsx", [name, ownership, use, body, note]),
    ]


def supervision_cases(make_user, unit, auditor) -> list[Case]:
    from portal.supervision.models import Hazard, LoopItem, Venue
    from portal.supervision.services import hazard_report, venue_register

    texts = _hostile(9)
    organ = unit("czj", texts[7], "organ")
    LoopItem.objects.create(
        kind=LoopItem.Kind.TASK,
        source="城政办发〔2024〕9号",
        number="1",
        text=texts[0],
        unit=organ,
        unit_name=texts[1],
        leader=texts[2],
        responsible_leader=texts[3],
        persons=[texts[4]],
        supervisors=[texts[5]],
        sections=[texts[6]],
        dispatched=date(2024, 1, 10),
        due=date(2024, 3, 31),
        progress=40,
    )
    street = unit("xszjd", "西上庄街道", "street")
    inspector = make_user("sv-inspector", Role.UNIT, Role.INSPECTORATE, department=street)
    venue = venue_register(
        actor=inspector,
        name="饭店",
        venue_class="nine_small",
        kind="小餐饮",
        street=street,
        responsible_person="李四",
        grid="3",
    )
    hazard = hazard_report(
        actor=inspector,
        venue=venue,
        check_id="2-1",
        check_text="占用疏散通道",
        clause="para_3__subpara_2__item_1",
        inspector_kind="town",
        problem="堵塞",
        measure="清理",
        responsible_person="李四",
        deadline=date(2099, 1, 1),
    )
    venue_name, measure, person, problem, unit_name = (
        "=1+1",
        "@SUM(A1)",
        "-1",
        "=cmd|' /C calc'!A0",
        "+1\x01乙",
    )
    Venue.objects.filter(pk=venue.pk).update(name=venue_name)
    Hazard.objects.filter(pk=hazard.pk).update(measure=measure, responsible_person=person)
    LoopItem.objects.filter(pk=hazard.item_id).update(text=problem, unit_name=unit_name)
    period = "start=2024-01-01&end=2024-12-31"
    return [
        Case("/supervision/?format=xlsx", texts[:7], [Decimal(40)]),
        Case(
            f"/supervision/bulletin/?{period}&format=xlsx",
            [texts[7], texts[3], texts[4]],
            [Decimal(1)],
        ),
        Case(
            f"/supervision/bulletin/?{period}&format=docx",
            [texts[7], texts[3], texts[4]],
            kind="docx",
        ),
        Case(
            "/supervision/hazards/?format=xlsx", [venue_name, measure, person, problem, unit_name]
        ),
        Case("/supervision/hazards/dispatch-table.xlsx", [unit_name], [Decimal(1)]),
    ]


BUILDERS: dict[str, Callable[..., list[Case]]] = {
    "audit": audit_case,
    "air": air_cases,
    "command": command_cases,
    "fund": fund_cases,
    "incentives": incentives_cases,
    "relics": relics_cases,
    "supervision": supervision_cases,
}

# Every view that answers a file (by URL name) and the builder whose cases walk it. Both ways are
# checked: a file view missing here fails test_every_file_download_is_listed, and a builder's cases
# must request exactly its views.
FILE_VIEWS = {
    "audit-export": "audit",
    "air:list-export": "air",
    "air:decision-form": "air",
    "command:compensation-xlsx": "command",
    "command:assessment-docx": "command",
    "fund:ledger-xlsx": "fund",
    "fund:reports-xlsx": "fund",
    "fund:document": "fund",
    "incentives:batch-export": "incentives",
    "incentives:ledger": "incentives",
    "relics:export_register": "relics",
    "relics:export_forms": "relics",
    "supervision:index": "supervision",
    "supervision:bulletin": "supervision",
    "supervision:hazards": "supervision",
    "supervision:dispatch_table": "supervision",
}


# ------------------------------------------------------------------ reading the files back


def _xlsx_cells(content: bytes) -> Iterator[Any]:
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from (c for c in row if c.value is not None)


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _check_xlsx(content: bytes, case: Case) -> None:
    cells = list(_xlsx_cells(content))
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert formulas == [], f"{case.url}: cells stored as formulas: {formulas}"
    strings = [c.value for c in cells if c.data_type == "s"]
    assert not [s for s in strings if FORBIDDEN.search(s)], f"{case.url}: control characters kept"
    for text in case.texts:
        assert any(_cleaned(text) in s for s in strings), (
            f"{case.url}: {text!r} is not in the file as text"
        )
    # the risky place: a hostile value at the start of a cell, there as a string cell
    assert any(s.startswith(("=", "@", "+", "-")) for s in strings), (
        f"{case.url}: no hostile value opens a cell"
    )
    numbers = {
        Decimal(str(c.value))
        for c in cells
        if c.data_type == "n"
        and not isinstance(c.value, bool)
        and isinstance(c.value, int | float | Decimal)
    }
    for number in case.numbers:
        assert number in numbers, f"{case.url}: {number} is not a number in the file"


def _check_docx(content: bytes, case: Case) -> None:
    text = _docx_text(content)
    assert not FORBIDDEN.search(text), f"{case.url}: control characters kept"
    for value in case.texts:
        assert _cleaned(value) in text, f"{case.url}: {value!r} is not in the document"


@pytest.mark.parametrize("module", sorted(BUILDERS))
def test_every_export_writes_hostile_text_as_text(
    module, make_user, unit, auditor, monkeypatch, settings, tmp_path
):
    builder = BUILDERS[module]
    extra = {"monkeypatch": monkeypatch, "settings": settings, "tmp_path": tmp_path}
    wanted = inspect.signature(builder).parameters
    cases = builder(make_user, unit, auditor, **{k: v for k, v in extra.items() if k in wanted})
    walked = {resolve(urlsplit(case.url).path).view_name for case in cases}
    assert walked == {name for name, owner in FILE_VIEWS.items() if owner == module}
    client = Client()
    client.force_login(auditor, backend="django.contrib.auth.backends.ModelBackend")
    for case in cases:
        response = client.get(case.url)
        assert response.status_code == 200, f"{case.url}: {response.status_code}"
        assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
        (_check_docx if case.kind == "docx" else _check_xlsx)(response.content, case)


# ------------------------------------------------------------------ the list is complete


def _patterns(
    resolvers: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, Any]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield (
                prefix + str(entry.pattern),
                f"{namespace}{entry.name}" if entry.name else "",
                entry.callback,
            )


# A view answers a file if its route says so, or if its code builds a download (the responses of
# portal.core.exports) or switches on ?format= (the ledgers and bulletins).
FILE_ROUTE = re.compile(r"(export|\.xlsx|\.docx|\.csv)")
FILE_CODE = re.compile(
    r"\b(xlsx_response|docx_response|csv_response|attachment)\(|GET\.get\(\"format\"\)"
)


def _answers_a_file(route: str, callback: Any) -> bool:
    if FILE_ROUTE.search(route):
        return True
    try:
        source = inspect.getsource(inspect.unwrap(callback))
    except (OSError, TypeError):  # a view without Python source of its own (the API's dispatcher)
        return False
    return bool(FILE_CODE.search(source))


def test_every_file_download_is_listed():
    found = {
        name or route
        for route, name, callback in _patterns(get_resolver().url_patterns)
        if _answers_a_file(route, callback)
    }
    assert found == set(FILE_VIEWS), (
        f"file views this test does not walk: {sorted(found - set(FILE_VIEWS))}; "
        f"listed but not found: {sorted(set(FILE_VIEWS) - found)}"
    )


# ------------------------------------------------------------------ the helper itself


def test_a_hostile_string_is_a_string_cell_and_numbers_stay_numbers():
    for write_only in (True, False):
        book = Workbook(write_only=write_only)
        sheet = book.create_sheet("t")
        values = [
            *FORMULAS,
            *CONTROLS,
            "#N/A",
            "\t=1+1",
            Decimal("-12.50"),
            -3,
            2.5,
            date(2024, 1, 2),
            None,
            "普通文本",
        ]
        exports.append_row(sheet, values)
        row = next(load_workbook(io.BytesIO(exports.saved(book)))["t"].iter_rows())
        assert [c.data_type for c in row[: len(FORMULAS) + len(CONTROLS) + 2]] == ["s"] * (
            len(FORMULAS) + len(CONTROLS) + 2
        )
        assert [c.value for c in row[: len(FORMULAS)]] == list(
            FORMULAS
        )  # the visible text unchanged
        assert [c.value for c in row[len(FORMULAS) : len(FORMULAS) + len(CONTROLS)]] == list(
            CONTROLS.values()
        )
        tail = row[len(FORMULAS) + len(CONTROLS) + 2 :]
        assert [c.data_type for c in tail] == ["n", "n", "n", "d", "n", "s"]
        assert Decimal(str(tail[0].value)) == Decimal("-12.5")
        assert tail[3].value.date() == date(2024, 1, 2)


def test_csv_fields_that_could_start_a_formula_are_quoted_and_numbers_are_not():
    data = exports.csv_bytes(
        [
            ["名称", "金额"],
            *[[text, Decimal("-1")] for text in (*FORMULAS, *CONTROLS, "\t=2", "\r=3")],
            ["普通", 5],
        ]
    )
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    texts = [r[0] for r in rows[1:]]
    assert texts[: len(FORMULAS)] == ["'" + f for f in FORMULAS]
    assert texts[len(FORMULAS) : len(FORMULAS) + len(CONTROLS)] == list(CONTROLS.values())
    assert texts[-3:] == ["'\t=2", "'\r=3", "普通"]
    assert {r[1] for r in rows[1:-1]} == {"-1"}  # a real negative number is written as the number
    assert rows[-1][1] == "5"


def test_the_download_name_keeps_its_chinese_and_loses_control_characters():
    response = exports.xlsx_response(b"x", "审计\x01日志.xlsx")
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.xlsx"
    )
    assert response["Content-Type"] == exports.XLSX


def test_the_aqi_reports_written_as_csv_quote_a_hostile_station_name(tmp_path):
    """`chengqu air aqi FILE` writes three .csv reports; a station named like a formula stays text."""
    from click.testing import CliRunner

    from portal.cli import cli

    source = tmp_path / "hourly.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["station", "time", "so2", "no2", "co", "o3", "pm10", "pm25"])
        for h in range(24):
            writer.writerow(
                ["=cmd|' /C calc'!A0", f"2024-01-10 {h:02d}:00", 20, 40, "1.2", 30, 150, 120]
            )
    result = CliRunner().invoke(cli, ["air", "aqi", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for report in ("realtime", "running-daily", "daily"):
        with (tmp_path / "out" / f"hourly-{report}.csv").open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, report
        texts = [v for row in rows for v in row.values() if "calc" in v]
        assert texts, report
        assert set(texts) == {"'=cmd|' /C calc'!A0"}, report
    with (tmp_path / "out" / "hourly-daily.csv").open(encoding="utf-8-sig") as handle:
        assert next(csv.DictReader(handle))["aqi"] == "158"  # a number is written as the number
