"""Every signed-in user changes their own password at /accounts/password/, audited, staying signed in."""

from __future__ import annotations

import pytest
from django.test import Client

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

OLD = "Str0ng-pass-for-tests"  # the make_user fixture's password
NEW = "Qiye-xin-mima-2024"


def _sign_in(client: Client, username: str, password: str) -> bool:
    """Through the login page, as a user signs in (axes and the real backends included)."""
    client.post("/accounts/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


def _change(client: Client, old: str, new: str, again: str | None = None):
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


@pytest.fixture
def enterprise_user(make_user, unit):
    return make_user(
        "qiye1", Role.ENTERPRISE, department=unit("qy1", "城区某某有限公司", "enterprise")
    )


def test_an_enterprise_user_changes_the_password_and_only_the_new_one_signs_in(enterprise_user):
    client = Client()
    assert _sign_in(client, "qiye1", OLD)
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert "修改密码" in page.content.decode()
    response = _change(client, OLD, NEW)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"
    # Still signed in on this session after the change, with a message saying so.
    after = client.get("/accounts/password/")
    assert after.wsgi_request.user.is_authenticated
    assert "密码已修改" in after.content.decode()
    assert _sign_in(Client(), "qiye1", OLD) is False
    assert _sign_in(Client(), "qiye1", NEW) is True


def test_a_bank_user_changes_the_password_too(make_user, unit):
    make_user("bank1", Role.BANK, department=unit("yh1", "某银行城区支行", "bank"))
    client = Client()
    assert _sign_in(client, "bank1", OLD)
    assert _change(client, OLD, NEW).status_code == 302
    assert User.objects.get(username="bank1").check_password(NEW)


def test_a_wrong_old_password_is_refused_in_chinese_and_changes_nothing(enterprise_user, login):
    client = login(enterprise_user)
    response = _change(client, "not-the-password", NEW)
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()
    enterprise_user.refresh_from_db()
    assert enterprise_user.check_password(OLD)
    assert not AuditEntry.objects.filter(action="user.password_change").exists()


def test_a_weak_or_mismatched_new_password_is_refused_by_the_settings_validators(
    enterprise_user, login
):
    client = login(enterprise_user)
    short = _change(client, OLD, "Ab1-short").content.decode()
    assert "密码太短" in short
    assert "10" in short
    numeric = _change(client, OLD, "3141592653589").content.decode()
    assert "只包含数字" in numeric
    common = _change(client, OLD, "password123").content.decode()
    assert "太常见" in common
    mismatch = _change(client, OLD, NEW, NEW + "x").content.decode()
    assert "两个密码不一致" in mismatch
    enterprise_user.refresh_from_db()
    assert enterprise_user.check_password(OLD)


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/password/")
    assert client.post("/accounts/password/", {"old_password": "x"}).status_code == 302


def test_the_change_is_audited_without_the_password(enterprise_user, login):
    client = login(enterprise_user)
    _change(client, OLD, NEW)
    entry = AuditEntry.objects.get(action="user.password_change")
    assert entry.actor_id == enterprise_user.pk
    assert entry.object_id == str(enterprise_user.pk)
    enterprise_user.refresh_from_db()
    stored = f"{entry.before} {entry.after}"
    assert NEW not in stored
    assert OLD not in stored
    assert enterprise_user.password not in stored


def test_the_header_links_signed_in_users_to_the_page(enterprise_user, login, client):
    assert 'href="/accounts/password/"' not in client.get("/").content.decode()
    assert 'href="/accounts/password/"' in login(enterprise_user).get("/").content.decode()
