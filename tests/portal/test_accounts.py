from datetime import date

import pytest
from django.db import IntegrityError, transaction

from chengqu.common import DomainError
from portal.accounts.access import can_access_unit
from portal.accounts.models import Person, Position, PositionHolding
from portal.accounts.roles import Role, has_role, is_read_only, roles_of
from portal.accounts.selectors import position_holder
from portal.accounts.services import position_assign, user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(unit):
    return Position.objects.create(department=unit(), title="局长", name="区应急管理局局长")


def test_giving_a_post_to_someone_else_ends_the_previous_holding(director):
    yao, li = Person.objects.create(name="姚林云"), Person.objects.create(name="李四")
    position_assign(position=director, person=yao, start=date(2024, 1, 1))
    position_assign(position=director, person=li, start=date(2024, 6, 1))
    assert position_holder(position=director) == li
    assert position_holder(position=director, on=date(2024, 5, 31)) == yao
    assert position_holder(position=director, on=date(2024, 6, 1)) == li
    assert position_holder(position=director, on=date(2023, 12, 31)) is None
    assert PositionHolding.objects.get(person=yao).end == date(2024, 5, 31)


def test_a_new_holding_cannot_start_before_the_current_one(director):
    position_assign(
        position=director, person=Person.objects.create(name="姚林云"), start=date(2024, 3, 1)
    )
    with pytest.raises(DomainError) as caught:
        position_assign(
            position=director, person=Person.objects.create(name="王五"), start=date(2024, 2, 1)
        )
    assert caught.value.field == "start"


def test_the_database_refuses_two_current_holders(director):
    a, b = Person.objects.create(name="甲"), Person.objects.create(name="乙")
    PositionHolding.objects.create(position=director, person=a, start=date(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionHolding.objects.create(position=director, person=b, start=date(2024, 2, 1))


def test_reassigning_a_post_is_audited(director):
    from portal.audit.models import AuditEntry

    position_assign(
        position=director, person=Person.objects.create(name="姚林云"), start=date(2024, 1, 1)
    )
    assert (
        AuditEntry.objects.filter(action="position.assign", object_id=str(director.pk)).count() == 1
    )


def test_roles_come_from_groups_and_a_superuser_is_an_administrator(make_user):
    auditor = make_user("shenji", Role.AUDITOR)
    admin = make_user("root", is_superuser=True)
    assert roles_of(auditor) == {Role.AUDITOR}
    assert is_read_only(auditor)
    assert has_role(admin, Role.ADMIN)
    assert not is_read_only(admin)


def test_a_weak_password_is_refused_in_chinese(unit):
    with pytest.raises(DomainError) as caught:
        user_create(username="weak", password="123", roles=[])
    assert caught.value.field == "password"


def test_a_taken_username_is_refused(make_user):
    make_user("bank1", Role.BANK)
    with pytest.raises(DomainError) as caught:
        make_user("bank1", Role.BANK)
    assert caught.value.code == "accounts.username_taken"


def test_a_bank_user_cannot_reach_another_banks_records(unit, make_user):
    from django.contrib.auth.models import AnonymousUser

    bank_a = unit("bank-a", "甲银行城区支行", "bank")
    bank_b = unit("bank-b", "乙银行城区支行", "bank")
    teller = make_user("teller", Role.BANK, department=bank_a)
    auditor = make_user("audit", Role.AUDITOR)
    orphan = make_user("orphan", Role.ENTERPRISE)
    assert can_access_unit(teller, bank_a)
    assert can_access_unit(teller, bank_a.pk)
    assert not can_access_unit(teller, bank_b)
    assert can_access_unit(auditor, bank_b)
    assert not can_access_unit(orphan, bank_a)  # no unit: no unit's records
    assert not can_access_unit(AnonymousUser(), bank_a)
