"""The pages and API users rely on: the steps as forms, deadlines, ledger, reports, exports, forms."""

from __future__ import annotations

import json
from io import BytesIO

from docx import Document
from fund_helpers import all_facts, docs, drive  # type: ignore[import-not-found]
from openpyxl import load_workbook

from chengqu.fund import Stage
from portal.fund.models import Application, State


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_an_enterprise_applies_and_its_bank_signs_through_the_pages(funded, client):
    login(client, funded.ent_user)
    response = client.post(
        "/fund/new/",
        {
            "bank": funded.bank.pk,
            "entity_kind": "enterprise",
            "loan_kind": "working_capital",
            "maturing_amount": "3000000",
            "maturity": "2024-10-14",
            "requested": "3000000",
            "industry": "制造业",
        },
    )
    app = Application.objects.get()
    assert response.status_code == 302
    page = client.get(f"/fund/{app.pk}/").content.decode()
    assert "2024-09-25" in page  # the bank's latest sign-off date is shown
    assert 'id="action-submit"' in page
    client.post(f"/fund/{app.pk}/act/submit/", {"day": "2024-09-18"})
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    login(client, funded.bank_user)
    late = client.post(
        f"/fund/{app.pk}/act/sign/",
        {
            "signed_on": "2024-09-26",
            "opinion": "同意",
            "renewal_amount": "3000000",
            "documents": docs(Stage.APPLICATION),
        },
        follow=True,
    ).content.decode()
    assert "最迟签署日为 2024-09-25" in late
    client.post(
        f"/fund/{app.pk}/act/sign/",
        {
            "signed_on": "2024-09-25",
            "opinion": "同意",
            "renewal_amount": "3000000",
            "documents": docs(Stage.APPLICATION),
        },
    )
    app.refresh_from_db()
    assert app.state == State.SIGNED


def test_the_operator_reviews_and_lends_through_the_api(funded, client):
    app = drive(funded, "signed")
    login(client, funded.operator)
    check = client.get(f"/api/v1/fund/applications/{app.pk}/assessment").json()
    assert check["ok"] is False  # facts not yet verified
    bad = client.post(
        f"/api/v1/fund/applications/{app.pk}/review",
        data=json.dumps({"day": "2024-09-26"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "fund.ineligible"
    body = {"day": "2024-09-26", "facts": all_facts(), "documents": docs(Stage.REVIEW)}
    ok = client.post(
        f"/api/v1/fund/applications/{app.pk}/review",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["state"] == "approved"
    for action, payload in (
        ("contract", {"signed_on": "2024-09-27"}),
        ("disburse", {"day": "2024-10-08"}),
    ):
        r = client.post(
            f"/api/v1/fund/applications/{app.pk}/{action}",
            data=json.dumps(payload),
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
    detail = client.get(f"/api/v1/fund/applications/{app.pk}").json()
    assert detail["state"] == "disbursed"
    assert {d["label"] for d in detail["deadlines"]} >= {
        "使用期限(最迟归还日)",
        "银行续贷最长期限(20日)",
    }
    assert client.get("/api/v1/fund/balances").json()["available"] == "5000000.00"


def test_the_ledger_page_posts_capital_once_and_exports_xlsx(fund, client):
    login(client, fund.finance)
    for _ in range(2):  # a double click posts once
        client.post(
            "/fund/ledger/post/capital/",
            {"key": "2024-001", "amount": "8000000", "day": "2024-04-10"},
        )
    page = client.get("/fund/ledger/").content.decode()
    assert "8000000.00" in page
    assert "对账一致" in page
    response = client.get("/fund/ledger.xlsx")
    wb = load_workbook(BytesIO(response.content))
    rows = list(wb["分录"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    assert sum((r[8] or 0) for r in rows) == sum((r[9] or 0) for r in rows) == 8000000


def test_reports_page_and_xlsx_from_the_ledger(funded, client):
    drive(funded, "repaid")
    login(client, funded.finance)
    page = client.get("/fund/reports/?kind=quarter&year=2024&number=4").content.decode()
    assert "2024年第4季度" in page
    assert "10000.00" in page  # fee income
    assert "<svg" in page
    wb = load_workbook(BytesIO(client.get("/fund/reports.xlsx?kind=year&year=2024").content))
    overview = {row[0]: row[1] for row in wb["概况"].iter_rows(min_row=3, values_only=True)}
    assert overview["占用费收入(元)"] == 10000
    assert overview["提取风险准备金(元)"] == 1000
    assert [r[0] for r in wb["按银行"].iter_rows(min_row=2, values_only=True)] == ["甲银行城区支行"]


def test_the_forms_the_measures_name_are_generated_as_docx(funded, client):
    app = drive(funded, "disbursed")
    login(client, funded.ent_user)
    for name, title in (
        ("application", "市场主体应急周转资金使用申请表"),
        ("agreement", "市场主体应急周转资金协议书"),
        ("contract", "应急周转资金借款合同"),
    ):
        response = client.get(f"/fund/{app.pk}/doc/{name}.docx")
        assert response.status_code == 200
        doc = Document(BytesIO(response.content))
        text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
            c.text for t in doc.tables for row in t.rows for c in row.cells
        )
        assert title in text
        assert funded.enterprise.name in text
    agreement = Document(BytesIO(client.get(f"/fund/{app.pk}/doc/agreement.docx").content))
    words = "\n".join(p.text for p in agreement.paragraphs)
    assert "0.2‰" in words
    assert "5日内" in words
    assert "除占用费外" in words


def test_exclusion_list_page_records_an_entry(funded, client):
    login(client, funded.finance)
    client.post(
        "/fund/exclusions/",
        {"enterprise": funded.enterprise.pk, "reason": "owes_fees", "since": "2024-06-01"},
    )
    assert "拖欠资金占用费" in client.get("/fund/exclusions/").content.decode()


def test_quote_and_sign_deadline_in_the_api(fund, client):
    login(client, fund.ent_user)
    q = client.get(
        "/api/v1/fund/quote?principal=5000000&disbursed=2024-05-06&repaid=2024-05-16"
    ).json()
    assert (q["days"], q["fee"], q["over_limit"]) == (10, "10000.00", False)
    s = client.get("/api/v1/fund/sign-deadline?maturity=2024-10-14").json()
    assert s["latest_sign_date"] == "2024-09-25"
    c = client.get("/api/v1/fund/check-sign?maturity=2024-10-14&signed=2024-09-26").json()
    assert c["ok"] is False
    bad = client.get("/api/v1/fund/quote?principal=1&disbursed=2029-04-05&repaid=2029-04-06")
    assert bad.status_code == 400
    assert bad.json()["code"] == "fund.expired"
