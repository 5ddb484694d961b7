import re

import pytest
from django.test import Client

from portal.accounts.roles import Role
from portal.core.modules import MODULES

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_every_module_with_the_documents_it_executes(client):
    page = client.get("/").content.decode()
    for module in MODULES:
        assert module.label in page
        for document in module.documents:
            assert document in page
    assert "城政办发〔2024〕6号" in page


def test_pages_are_in_chinese_and_need_nothing_from_the_internet(client):
    page = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in page
    assert not re.search(r'(src|href)="(https?:)?//', page), "an asset is loaded from outside"


def test_the_api_docs_use_bundled_assets_not_a_cdn(client, make_user, login):
    docs = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle" in docs
    assert not re.search(r'(src|href)="(https?:)?//', docs)


def test_the_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/platform/modules" in schema["paths"]


def test_a_module_page_names_its_documents_and_an_unknown_module_is_404(client):
    assert "城政办发〔2024〕1号" in client.get("/m/air/").content.decode()
    missing = client.get("/m/nope/")
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode()


def test_the_api_says_who_is_signed_in_and_refuses_strangers(client, make_user, unit, login):
    anonymous = client.get("/api/v1/platform/me")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    user = make_user("teller", Role.BANK, department=unit("bank-a", "甲银行城区支行", "bank"))
    me = login(user).get("/api/v1/platform/me").json()
    assert me == {
        "username": "teller",
        "display_name": "",
        "department": "甲银行城区支行",
        "roles": ["银行用户"],
    }


def test_the_module_list_is_public(client):
    body = client.get("/api/v1/platform/modules").json()
    assert {m["key"] for m in body} == {m.key for m in MODULES}


def test_logging_in_with_the_form_signs_the_user_in(make_user):
    make_user("official", Role.UNIT)
    browser = Client()
    response = browser.post(
        "/accounts/login/", {"username": "official", "password": "Str0ng-pass-for-tests"}
    )
    assert response.status_code == 302
    assert "official" in browser.get("/").content.decode()


def test_repeated_failed_logins_lock_the_account_from_that_address(make_user):
    make_user("official", Role.UNIT)
    browser = Client()
    for _ in range(4):
        failed = browser.post("/accounts/login/", {"username": "official", "password": "wrong"})
        assert failed.status_code == 200
    fifth = browser.post("/accounts/login/", {"username": "official", "password": "wrong"})
    assert fifth.status_code == 429
    locked = browser.post(
        "/accounts/login/", {"username": "official", "password": "Str0ng-pass-for-tests"}
    )
    assert locked.status_code == 429
    assert "暂停登录" in locked.content.decode()


def test_forms_are_protected_against_cross_site_requests(make_user):
    make_user("official", Role.UNIT)
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/accounts/login/", {"username": "official", "password": "Str0ng-pass-for-tests"}
    )
    assert response.status_code == 403


def test_the_admin_is_closed_to_users_without_staff_status(client, make_user, login):
    assert client.get("/admin/").status_code == 302
    login(make_user("teller", Role.BANK))
    assert client.get("/admin/").status_code == 302


def test_the_audit_log_cannot_be_edited_through_the_admin(client, make_user, login, unit):
    unit()
    login(make_user("root", is_superuser=True))
    listing = client.get("/admin/audit/auditentry/")
    assert listing.status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403


def test_an_admin_edit_is_audited(client, make_user, login, unit):
    from portal.audit.models import AuditEntry

    department = unit()
    login(make_user("root", is_superuser=True))
    response = client.post(
        f"/admin/accounts/department/{department.pk}/change/",
        {
            "code": department.code,
            "name": "区应急管理局(更名)",
            "short_name": "",
            "kind": "organ",
            "active": "on",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(
        action="admin.update", object_type="accounts.department"
    ).get()
    assert entry.before["name"] == "区应急管理局"
    assert entry.after["name"] == "区应急管理局(更名)"


def test_health_check_answers(client):
    assert client.get("/healthz").json()["status"] == "ok"


def test_every_module_in_the_navigation_answers(client):
    from django.urls import reverse

    for m in MODULES:
        url = reverse(m.url_name) if m.url_name else f"/m/{m.key}/"
        response = client.get(url, follow=True)
        assert response.status_code == 200, (m.key, url)
