"""Claims: 申报 → 牵头单位审核 → 区政府审批 → 兑现, each step by the right people, audited, and a
one-off measure never paid twice to the same enterprise."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from chengqu.common import DomainError
from portal.audit.models import AuditEntry
from portal.incentives.models import Claim, Payment
from portal.incentives.selectors import claim_list, ledger_by_measure
from portal.incentives.services import (
    claim_approve,
    claim_document_add,
    claim_pay,
    claim_review,
    claim_submit,
)

pytestmark = pytest.mark.django_db

SHOWS = {"tourism_show_performances_h1": "120"}  # 第14条: 满100场, 一次性30万 (区文化和旅游局)


def pdf(name: str = "演出场次证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def submit(people, user=None, measure: int = 14, facts=SHOWS, documents=None) -> Claim:
    return claim_submit(
        actor=user or people.acme_user,
        measure=measure,
        facts=facts,
        documents=[pdf()] if documents is None else documents,
    )


def through_approval(people, claim: Claim, amount=None) -> Claim:
    claim = claim_review(
        actor=people.tourism_user, claim=claim, approve=True, note="材料齐全", amount=amount
    )
    return claim_approve(actor=people.government_user, claim=claim, approve=True, note="同意")


def test_an_enterprise_applies_with_documents_and_the_engine_fixes_the_amount(people, claim_day):
    claim = submit(people)
    assert claim.status == Claim.Status.SUBMITTED
    assert claim.enterprise == people.acme
    assert claim.computed_amount == Decimal("300000.00")
    assert claim.one_off
    assert claim.lead_unit == "区文化和旅游局"
    assert claim.evaluation["awards"][0]["citation"]["clause"] == "item_14"
    [document] = claim.documents.all()
    assert document.name == "演出场次证明.pdf"
    assert len(document.sha256) == 64
    assert AuditEntry.objects.filter(
        action="incentives.claim.submit", object_id=str(claim.pk)
    ).exists()


def test_the_whole_path_to_payment_is_audited_and_enters_the_ledger_exactly(people, claim_day):
    claim = through_approval(people, submit(people))
    payment = claim_pay(actor=people.finance, claim=claim, reference="CZ-2024-0001")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PAID
    assert payment.amount == Decimal("300000.00")
    actions = list(
        AuditEntry.objects.filter(
            object_id=str(claim.pk), object_type="incentives.claim"
        ).values_list("action", flat=True)
    )
    assert actions == [
        "incentives.claim.submit",
        "incentives.claim.review",
        "incentives.claim.approve",
        "incentives.claim.pay",
    ]
    lines, total = ledger_by_measure(user=people.finance)
    assert {line.measure: line.total for line in lines}[14] == Decimal("300000.00")
    assert total == Decimal("300000.00")


def test_the_lead_unit_may_lower_the_amount_but_never_raise_it(people, claim_day):
    claim = submit(people)
    with pytest.raises(DomainError) as caught:
        claim_review(actor=people.tourism_user, claim=claim, approve=True, amount="300000.01")
    assert caught.value.field == "amount"
    claim = claim_review(actor=people.tourism_user, claim=claim, approve=True, amount="123456.785")
    assert claim.approved_amount == Decimal("123456.79")  # rounded once to the fen, half up


def test_a_measure_that_pays_nothing_cannot_be_claimed(people, claim_day):
    with pytest.raises(DomainError) as caught:
        submit(people, facts={"tourism_show_performances_h1": "99"})
    assert caught.value.code == "incentives.claim_not_eligible"
    assert "差" in caught.value.message  # the near miss is explained
    with pytest.raises(DomainError) as caught:
        submit(people, facts={"q1_investment": "60000000"})
    assert caught.value.field == "q1_investment"  # a fact of another measure
    with pytest.raises(DomainError):
        submit(people, measure=9, facts={})  # the voucher programme is guidance, not a claim


def test_a_claim_after_the_claim_period_is_refused(people):
    with pytest.raises(DomainError) as caught:
        submit(people)  # today (2026) is after the assumed close 2024-12-31
    assert caught.value.code == "incentives.claims_closed"
    assert "2024-12-31" in caught.value.message  # which date, from where, who changes it:
    # tests/portal/incentives/test_incentives_claims_window.py


def test_a_one_off_measure_cannot_be_claimed_again_while_one_is_under_way_or_paid(
    people, claim_day
):
    submit(people)
    with pytest.raises(DomainError) as caught:
        submit(people)
    assert caught.value.code == "incentives.one_off_claimed"
    submit(people, user=people.beta_user)  # another enterprise may


def test_a_returned_claim_can_be_submitted_again(people, claim_day):
    claim = submit(people)
    with pytest.raises(DomainError):
        claim_review(actor=people.tourism_user, claim=claim, approve=False, note="")
    claim_review(actor=people.tourism_user, claim=claim, approve=False, note="缺少演出场次证明")
    assert submit(people).status == Claim.Status.SUBMITTED


def _second_claim_bypassing_the_form(claim: Claim) -> Claim:
    twin = Claim.objects.get(pk=claim.pk)
    twin.pk = None
    twin.status = Claim.Status.APPROVED
    twin.save()
    return twin


def test_a_one_off_measure_is_never_paid_twice_to_the_same_enterprise(people, claim_day):
    claim = through_approval(people, submit(people))
    twin = _second_claim_bypassing_the_form(claim)
    claim_pay(actor=people.finance, claim=claim, reference="CZ-1")
    with pytest.raises(DomainError) as caught:
        claim_pay(actor=people.finance, claim=twin, reference="CZ-2")
    assert caught.value.code == "incentives.one_off_paid"
    assert Payment.objects.count() == 1
    twin.refresh_from_db()
    assert twin.status == Claim.Status.APPROVED


def test_the_database_itself_refuses_a_second_one_off_payment(people, claim_day):
    claim = through_approval(people, submit(people))
    twin = _second_claim_bypassing_the_form(claim)
    row = {
        "enterprise": people.acme,
        "measure": 14,
        "one_off": True,
        "amount": Decimal("1.00"),
        "paid_at": timezone.now(),
        "paid_by": people.finance,
        "reference": "x",
    }
    Payment.objects.create(claim=claim, **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(claim=twin, **row)


def test_a_measure_that_is_not_one_off_may_be_paid_again(people, claim_day):
    first = submit(people, user=people.beta_user, measure=1, facts={"q1_investment": "60000000"})
    second = submit(people, user=people.beta_user, measure=1, facts={"q1_investment": "70000000"})
    for claim in (first, second):
        claim = claim_review(actor=people.finance, claim=claim, approve=True)
        claim = claim_approve(actor=people.government_user, claim=claim, approve=True)
        claim_pay(actor=people.finance, claim=claim, reference=f"CZ-{claim.pk}")
    lines, _total = ledger_by_measure(user=people.admin)
    assert {line.measure: (line.count, line.total) for line in lines}[1] == (
        2,
        Decimal("260000.00"),
    )


def test_each_step_is_for_its_own_people(people, claim_day):
    claim = submit(people)
    for outsider in (
        people.acme_user,
        people.commerce_user,
        people.government_user,
        people.auditor,
        people.bank,
    ):
        with pytest.raises(DomainError):
            claim_review(actor=outsider, claim=claim, approve=True)
    claim = claim_review(actor=people.tourism_user, claim=claim, approve=True)
    for outsider in (people.tourism_user, people.finance, people.acme_user, people.auditor):
        with pytest.raises(DomainError):
            claim_approve(actor=outsider, claim=claim, approve=True)
    claim = claim_approve(actor=people.government_user, claim=claim, approve=True)
    for outsider in (people.government_user, people.tourism_user, people.acme_user, people.auditor):
        with pytest.raises(DomainError):
            claim_pay(actor=outsider, claim=claim, reference="x")
    with pytest.raises(DomainError):
        claim_pay(actor=people.finance, claim=claim, reference=" ")


def test_the_reviewer_cannot_also_approve(people, claim_day):
    claim = claim_review(actor=people.admin, claim=submit(people), approve=True)
    with pytest.raises(DomainError) as caught:
        claim_approve(actor=people.admin, claim=claim, approve=True)
    assert caught.value.code == "incentives.same_person"


def test_steps_happen_in_order(people, claim_day):
    claim = submit(people)
    with pytest.raises(DomainError):
        claim_approve(actor=people.government_user, claim=claim, approve=True)
    with pytest.raises(DomainError):
        claim_pay(actor=people.finance, claim=claim, reference="x")


def test_only_the_enterprise_adds_documents_and_only_before_review(people, claim_day):
    claim = submit(people, documents=[])
    with pytest.raises(DomainError):
        claim_document_add(actor=people.beta_user, claim=claim, documents=[pdf()])
    with pytest.raises(DomainError) as caught:
        claim_document_add(actor=people.acme_user, claim=claim, documents=[pdf("virus.exe")])
    assert caught.value.field == "documents"
    claim_document_add(actor=people.acme_user, claim=claim, documents=[pdf()])
    claim_review(actor=people.tourism_user, claim=claim, approve=True)
    with pytest.raises(DomainError):
        claim_document_add(actor=people.acme_user, claim=claim, documents=[pdf()])


def test_who_sees_which_claims(people, claim_day):
    acme = submit(people)
    beta = submit(
        people,
        user=people.beta_user,
        measure=12,
        facts={"lodging_catering_revenue_h1": "5000000", "lodging_catering_growth_h1": "20"},
    )
    seen = {
        name: set(claim_list(user=getattr(people, name)).values_list("pk", flat=True))
        for name in (
            "acme_user",
            "beta_user",
            "tourism_user",
            "commerce_user",
            "government_user",
            "finance",
            "inspector",
            "auditor",
            "admin",
            "bank",
        )
    }
    assert seen == {
        "acme_user": {acme.pk},
        "beta_user": {beta.pk},
        "tourism_user": {acme.pk},  # lead unit of 第14条
        "commerce_user": {beta.pk},  # lead unit of 第12条
        "government_user": {acme.pk, beta.pk},
        "finance": {acme.pk, beta.pk},
        "inspector": {acme.pk, beta.pk},
        "auditor": {acme.pk, beta.pk},
        "admin": {acme.pk, beta.pk},
        "bank": set(),
    }
