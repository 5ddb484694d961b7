from io import BytesIO

import pytest
from django.db import connection
from openpyxl import load_workbook

from portal.accounts.actions import AccountsAction
from portal.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_the_audit_log_is_for_auditors_and_administrators(client, make_user, login, unit):
    unit()
    assert client.get("/audit/").status_code == 302  # to the login page
    login(make_user("teller", Role.BANK))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403
    login(make_user("shenji", Role.AUDITOR))
    page = client.get("/audit/").content.decode()
    assert "department.create" in page
    assert str(AccountsAction.DEPARTMENT_CREATE.label) in page  # the action's Chinese name
    assert "区应急管理局" in page


def test_each_stored_action_reads_as_its_app_declared_it():
    """The registry names every action with its label; admin edits of both forms read alike."""
    from portal.audit.actions import AdminAction, label, registry

    assert registry()["department.create"] is AccountsAction.DEPARTMENT_CREATE
    assert label("admin.update") == label("admin.department.update") == AdminAction.UPDATE.label
    assert label("no.such.action") == "no.such.action"


def test_an_auditor_sees_a_broken_chain_named_on_the_page(client, make_user, login, unit):
    unit()
    unit("czj", "区财政局")
    login(make_user("shenji", Role.AUDITOR))
    assert "审计链完整" in client.get("/audit/?verify=1").content.decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_repr = 'forged' WHERE seq = 1")
    assert "第 1 条" in client.get("/audit/?verify=1").content.decode()


def test_the_audit_ledger_exports_as_xlsx_oldest_first(client, make_user, login, unit):
    unit()
    unit("czj", "区财政局")
    login(make_user("shenji", Role.AUDITOR))
    response = client.get("/audit/export.xlsx?action=department.")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "时间", "操作人", "操作")
    assert [r[3] for r in rows[1:]] == ["department.create", "department.create"]
    assert [r[4] for r in rows[1:]] == [str(AccountsAction.DEPARTMENT_CREATE.label)] * 2
    assert [r[7] for r in rows[1:]] == ["区应急管理局", "区财政局"]
    assert rows[1][0] < rows[2][0]
