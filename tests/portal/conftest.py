"""Fixtures for the Django side: units, users with roles, a logged-in client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from portal.accounts.models import Department, User
from portal.accounts.roles import Role
from portal.accounts.services import department_upsert, user_create


@pytest.fixture(autouse=True)
def _audit_files_per_test(settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test its own audit key and head file: a head file must not outlive its test database."""
    settings.CHENGQU_AUDIT_DIR = tmp_path_factory.mktemp("audit")


@pytest.fixture
def unit(db) -> Callable[..., Department]:
    def make(code: str = "yjglj", name: str = "区应急管理局", kind: str = "organ") -> Department:
        return department_upsert(code=code, name=name, kind=kind)[0]

    return make


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(
        username: str, *roles: Role, department: Department | None = None, **extra: object
    ) -> User:
        return user_create(
            username=username,
            password="Str0ng-pass-for-tests",
            roles=roles,
            department=department,
            **extra,
        )

    return make


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def do(user: User) -> Client:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return do
