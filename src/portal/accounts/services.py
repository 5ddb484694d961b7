"""Writes for accounts and organisation; each is atomic and leaves an audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from chengqu.common import DomainError
from portal.accounts.actions import AccountsAction
from portal.accounts.models import Department, Person, Position, PositionHolding, User
from portal.accounts.roles import Role
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot


@transaction.atomic
def department_upsert(
    *, code: str, name: str, kind: str, short_name: str = "", actor: User | None = None
) -> tuple[Department, bool]:
    """Create the unit, or bring an existing one (by code) up to date. Returns (unit, changed)."""
    existing = Department.objects.filter(code=code).first()
    if existing is not None:
        before = snapshot(existing)
        existing.name, existing.kind, existing.short_name = name, kind, short_name
        after = snapshot(existing)
        if before == after:
            return existing, False
        existing.full_clean()
        existing.save()
        audit_record(
            actor=actor,
            action=AccountsAction.DEPARTMENT_UPDATE,
            obj=existing,
            before=before,
            after=after,
        )
        return existing, True
    department = Department(code=code, name=name, kind=kind, short_name=short_name)
    department.full_clean()
    department.save()
    audit_record(
        actor=actor,
        action=AccountsAction.DEPARTMENT_CREATE,
        obj=department,
        after=snapshot(department),
    )
    return department, True


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    display_name: str = "",
    roles: Iterable[Role] = (),
    department: Department | None = None,
    is_superuser: bool = False,
    actor: User | None = None,
) -> User:
    """A new account with its roles. Password rules are Django's validators; errors are Chinese."""
    if User.objects.filter(username=username).exists():
        raise DomainError("accounts.username_taken", f"用户名已存在: {username}", field="username")
    user = User(
        username=username,
        display_name=display_name,
        department=department,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password is None:
        user.set_unusable_password()
    else:
        from django.contrib.auth.password_validation import validate_password

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(
                "accounts.weak_password", ";".join(exc.messages), field="password"
            ) from None
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    groups = [Group.objects.get_or_create(name=role.value)[0] for role in roles]
    user.groups.set(groups)
    audit_record(
        actor=actor,
        action=AccountsAction.USER_CREATE,
        obj=user,
        after={
            **snapshot(user, exclude=("groups", "user_permissions", "last_login")),
            "roles": sorted(r.value for r in roles),
        },
    )
    return user


@transaction.atomic
def position_assign(
    *, position: Position, person: Person, start: date, actor: User | None = None
) -> PositionHolding:
    """Give a post to a person from ``start``: the current holding ends the day before.

    Everything that names the post (HQ membership, approvals, task lists) now resolves to the
    new holder; nothing else changes ("成员如有变动,由相应岗位人员自然替补").
    """
    current = (
        PositionHolding.objects.select_for_update()
        .filter(position=position, end__isnull=True)
        .first()
    )
    before = None
    if current is not None:
        if current.person_id == person.pk:
            return current
        if start <= current.start:
            raise DomainError(
                "accounts.holding_order",
                f"新任职日期 {start.isoformat()} 必须晚于现任 {current.person} 的任职日期 {current.start.isoformat()}",
                field="start",
            )
        before = snapshot(current)
        current.end = date.fromordinal(start.toordinal() - 1)
        current.save(update_fields=["end"])
    holding = PositionHolding.objects.create(position=position, person=person, start=start)
    audit_record(
        actor=actor,
        action=AccountsAction.POSITION_ASSIGN,
        obj=position,
        before=before,
        after=snapshot(holding),
    )
    return holding


@transaction.atomic
def user_password_change(*, user: User, password: str, actor: User | None = None) -> None:
    """Set a new password (already checked by the form against the old one and the validators).

    The audit entry says that the password changed and by whom, never the password or its hash.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action=AccountsAction.USER_PASSWORD_CHANGE,
        obj=user,
        after={"password": "已修改"},
    )
