"""The ledger: balanced, append-only, idempotent, never overdrawn; reserve and expense caps."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from fund_helpers import drive  # type: ignore[import-not-found]

from chengqu.common import DomainError
from portal.fund import selectors, services
from portal.fund.loading import load_fund_size, load_operator
from portal.fund.models import Account, Balance, LedgerLeg, LedgerTransaction


def _raw_tx(key: str) -> LedgerTransaction:
    return LedgerTransaction.objects.create(key=key, kind="capital", day=date(2024, 5, 1))


class _RollbackError(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run a block in a savepoint and undo it: raw rows must not reach the test's own commit check."""
    try:
        with transaction.atomic():
            yield
            raise _RollbackError
    except _RollbackError:
        pass


def _seal(tx: LedgerTransaction) -> None:
    tx.sealed = True
    tx.save(update_fields=["sealed"])


def test_the_database_refuses_to_seal_an_unbalanced_transaction(fund):
    with rolled_back():
        tx = _raw_tx("bad")
        LedgerLeg.objects.create(transaction=tx, account="bank", side="D", amount=Decimal("100.00"))
        LedgerLeg.objects.create(
            transaction=tx, account="capital", side="C", amount=Decimal("99.99")
        )
        with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - the trigger's error is vendor-specific
            _seal(tx)
        one = _raw_tx("one-leg")
        LedgerLeg.objects.create(
            transaction=one, account="bank", side="D", amount=Decimal("100.00")
        )
        with pytest.raises(Exception), transaction.atomic():  # noqa: B017
            _seal(one)
        assert not LedgerTransaction.objects.filter(sealed=True).exists()
        assert not selectors.reconcile().ok  # an unsealed transaction is reported


@pytest.mark.pg
def test_postgresql_refuses_to_commit_an_unsealed_transaction(fund):
    def commit_check() -> None:
        _raw_tx("left-open")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT does with deferred checks

    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        commit_check()


def test_the_database_refuses_a_zero_or_negative_leg(fund):
    with rolled_back():
        tx = _raw_tx("neg")
        with pytest.raises(IntegrityError), transaction.atomic():
            LedgerLeg.objects.create(
                transaction=tx, account="bank", side="D", amount=Decimal("-1.00")
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            LedgerLeg.objects.create(
                transaction=tx, account="bank", side="D", amount=Decimal("0.00")
            )


def test_a_posted_transaction_can_never_change_or_disappear(funded):
    tx = LedgerTransaction.objects.get(key="capital:2024-1")
    leg = tx.legs.first()
    assert leg is not None
    for change in (
        lambda: LedgerLeg.objects.filter(pk=leg.pk).update(amount=Decimal("1.00")),
        lambda: LedgerLeg.objects.filter(pk=leg.pk).delete(),
        lambda: LedgerTransaction.objects.filter(pk=tx.pk).update(memo="改"),
        lambda: LedgerLeg.objects.create(
            transaction=tx, account="bank", side="D", amount=Decimal("1.00")
        ),
    ):
        with pytest.raises(Exception), transaction.atomic():  # noqa: B017
            change()
    assert selectors.reconcile().ok


def test_the_same_business_event_posts_once(funded):
    services.capital_pay_in(
        actor=funded.finance, amount="10000000", day=date(2024, 4, 10), key="2024-1"
    )
    assert LedgerTransaction.objects.filter(kind="capital").count() == 1
    assert selectors.balances()[Account.CAPITAL] == Decimal("-10000000.00")


def test_a_correction_is_a_linked_reversal(funded):
    tx = services.interest_post(
        actor=funded.operator, amount="123.45", day=date(2024, 6, 21), key="2024Q2"
    )
    rev = services.transaction_reverse(
        actor=funded.operator, tx=tx, day=date(2024, 6, 22), reason="重复入账"
    )
    assert rev.reverses == tx
    assert selectors.balances()[Account.INTEREST_INCOME] == 0
    with pytest.raises(DomainError) as err:
        services.transaction_reverse(
            actor=funded.operator, tx=tx, day=date(2024, 6, 22), reason="再次"
        )
    assert err.value.code == "fund.already_reversed"
    loan = drive(funded, "disbursed")
    with pytest.raises(DomainError) as err:
        services.transaction_reverse(
            actor=funded.operator, tx=loan.transactions.get(), day=date(2024, 10, 9), reason="x"
        )
    assert err.value.code == "fund.not_reversible"


def test_a_disbursement_beyond_the_available_balance_is_refused_and_posts_nothing(fund):
    services.capital_pay_in(actor=fund.finance, amount="6000000", day=date(2024, 4, 10), key="c")
    first = drive(fund, "contracted")
    second = drive(fund, "contracted")  # both approved while the balance still covered each
    services.application_disburse(actor=fund.operator, application=first, day=date(2024, 10, 8))
    with pytest.raises(DomainError) as err:
        services.application_disburse(
            actor=fund.operator, application=second, day=date(2024, 10, 8)
        )
    assert err.value.code == "fund.insufficient"
    second.refresh_from_db()
    assert second.state == "contracted"
    assert selectors.available() == Decimal("1000000.00")
    assert selectors.reconcile().ok


def test_the_reserve_stops_at_twenty_percent_of_paid_in_capital_with_a_partial_last_allocation(
    fund,
):
    services.capital_pay_in(actor=fund.finance, amount="5000000", day=date(2024, 4, 10), key="c")
    # cap = 1,000,000: pre-fill the reserve near the cap through a big fee history is slow; use the pure rule
    from chengqu.fund import allocate_reserve

    assert allocate_reserve("10000.00", "5000000", "999500.00") == Decimal("500.00")
    app = drive(fund, "repaid")
    assert -selectors.balances()[Account.RESERVE] == app.fee * Decimal("0.1")


def test_management_expenses_above_twenty_percent_of_the_years_fee_income_are_refused(funded):
    drive(funded, "repaid")  # fee 10,000 in 2024 → cap 2,000
    services.expense_post(
        actor=funded.operator, amount="1500", day=date(2024, 11, 1), key="e1", memo="审计费"
    )
    with pytest.raises(DomainError) as err:
        services.expense_post(
            actor=funded.operator, amount="500.01", day=date(2024, 11, 2), key="e2", memo="印刷"
        )
    assert err.value.code == "fund.management_cap"
    services.expense_post(
        actor=funded.operator, amount="500", day=date(2024, 11, 2), key="e3", memo="印刷"
    )
    with pytest.raises(DomainError):  # a new year starts with no fee income
        services.expense_post(
            actor=funded.operator, amount="1", day=date(2025, 1, 2), key="e4", memo="x"
        )


def test_no_charge_but_the_fee_can_be_recorded():
    with pytest.raises(DomainError) as err:
        services.charge_record(name="手续费")
    assert err.value.code == "fund.charge_forbidden"


def test_reconcile_reports_a_tampered_balance(funded):
    assert selectors.reconcile().ok
    Balance.objects.filter(account="bank").update(amount=Decimal("1.00"))
    result = selectors.reconcile()
    assert not result.ok
    assert result.differences["bank"] == (Decimal("1.00"), Decimal("10000000.00"))


def test_loaders_are_idempotent(db):
    assert load_operator() == 1
    assert load_fund_size() == 1
    assert load_operator() == 0
    assert load_fund_size() == 0
    assert selectors.fund_size() == Decimal("80000000.00")


# ---------------------------------------------------------------- concurrency (PostgreSQL)


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_disbursements_against_a_balance_for_ten(fund):
    services.capital_pay_in(actor=fund.finance, amount="10000000", day=date(2024, 4, 10), key="c")
    apps = []
    for _ in range(50):
        app = drive(
            fund, "contracted", requested=Decimal("1000000")
        )  # review saw 10,000,000 available
        apps.append(app)
    barrier = threading.Barrier(len(apps))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(app) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.application_disburse(
                actor=fund.operator, application=app, day=date(2024, 10, 8)
            )
            result = "ok"
        except DomainError as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 10
    assert outcomes.count("fund.insufficient") == 40
    assert selectors.available() == 0
    assert LedgerTransaction.objects.filter(kind="disburse").count() == 10
    assert selectors.reconcile().ok


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_disbursement_post_once(fund):
    services.capital_pay_in(actor=fund.finance, amount="10000000", day=date(2024, 4, 10), key="c")
    app = drive(fund, "contracted")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            barrier.wait()
            services.application_disburse(
                actor=fund.operator, application=app, day=date(2024, 10, 8)
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert LedgerTransaction.objects.filter(kind="disburse").count() == 1
    assert selectors.available() == Decimal("5000000.00")


def test_daily_totals_follow_every_posting_and_reconcile_checks_them(funded):
    from portal.fund.models import DailyTotal

    drive(funded, "repaid")
    assert selectors.balances_at(date(2024, 10, 31)) == selectors.balances_from_postings(
        until=date(2024, 10, 31)
    )
    assert selectors.balances_at(date(2024, 10, 7))[Account.LOANS] == 0
    assert services.daily_totals_rebuild() == DailyTotal.objects.count()
    assert selectors.reconcile().ok
    DailyTotal.objects.filter(account="bank", kind="capital").update(debit=Decimal("1.00"))
    result = selectors.reconcile()
    assert not result.ok
    assert "daily:bank" in result.differences


def test_a_failure_in_the_middle_of_a_disbursement_leaves_no_partial_posting(funded, monkeypatch):
    app = drive(funded, "contracted")

    def crash(
        *args, **kwargs
    ):  # the process dies after the legs are written, before the balances move
        raise SystemExit("killed")

    monkeypatch.setattr(services, "_add_daily", crash)
    with pytest.raises(SystemExit):
        services.application_disburse(actor=funded.operator, application=app, day=date(2024, 10, 8))
    app.refresh_from_db()
    assert app.state == "contracted"
    assert not LedgerTransaction.objects.filter(kind="disburse").exists()
    assert not LedgerLeg.objects.filter(account="loans").exists()
    assert selectors.available() == Decimal("10000000.00")
    assert selectors.reconcile().ok


def test_termination_returns_every_yuan_to_finance_once_no_loan_is_out(funded):
    app = drive(funded, "disbursed")
    with pytest.raises(DomainError) as err:
        services.fund_terminate(actor=funded.finance, day=date(2024, 10, 9), approval="区政府批复")
    assert err.value.code == "fund.loans_outstanding"
    services.application_repay(actor=funded.operator, application=app, repaid_on=date(2024, 10, 18))
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied: only 金融办
        services.fund_terminate(actor=funded.operator, day=date(2024, 12, 1), approval="区政府批复")
    services.fund_terminate(actor=funded.finance, day=date(2024, 12, 1), approval="区政府批复")
    totals = selectors.balances()
    assert totals[Account.BANK] == 0
    assert totals[Account.RESERVE] == 0
    assert totals[Account.RETURNED] == Decimal("10010000.00")
    assert selectors.available() == 0
    assert selectors.reconcile().ok


def test_the_fund_size_is_a_recorded_decision_the_district_can_change(funded):
    load_fund_size()
    services.fund_size_decide(
        actor=funded.finance, size_wan="10000", decided_on=date(2025, 1, 1), basis="区政府常务会议"
    )
    assert selectors.fund_size() == Decimal("100000000.00")
