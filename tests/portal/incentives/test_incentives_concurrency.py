"""Two cashiers paying the same one-off award at the same moment: exactly one payment lands."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from chengqu.common import DomainError
from portal.incentives.models import Claim, Payment
from portal.incentives.services import claim_approve, claim_pay, claim_review, claim_submit


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_of_a_one_off_award_pay_it_once(people, claim_day):
    assert connection.vendor == "postgresql"
    claim = claim_submit(
        actor=people.acme_user, measure=14, facts={"tourism_show_performances_h1": "100"}
    )
    claim = claim_review(actor=people.tourism_user, claim=claim, approve=True)
    claim = claim_approve(actor=people.government_user, claim=claim, approve=True)
    twin = Claim.objects.get(pk=claim.pk)
    twin.pk = None
    twin.save()  # a second approved claim that slipped past the form's check
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def pay(target: Claim, reference: str) -> None:
        try:
            start.wait()
            claim_pay(actor=people.finance, claim=target, reference=reference)
            outcomes.append("paid")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=pay, args=(c, f"CZ-{i}")) for i, c in enumerate((claim, twin))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["incentives.one_off_paid", "paid"]
    assert Payment.objects.count() == 1
