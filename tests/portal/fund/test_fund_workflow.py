"""The workflow of issue 6 §2: each step, its deadline checks and its side paths."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from fund_helpers import MATURITY, all_facts, docs, drive, new_app  # type: ignore[import-not-found]

from chengqu.common import DomainError
from chengqu.fund import Stage
from portal.audit.models import AuditEntry
from portal.fund import services
from portal.fund.models import Account, Balance, Exclusion, LedgerTransaction, State


def test_the_main_path_ends_repaid_with_the_fee_and_reserve_posted(funded):
    app = drive(funded, "archived")
    assert app.state == State.ARCHIVED
    assert app.fee == Decimal("10000.00")
    assert app.fee_days == 10
    balances = {b.account: b.amount for b in Balance.objects.all()}
    assert balances[Account.LOANS] == 0
    assert balances[Account.RESERVE] == Decimal("-1000.00")  # 10% of the fee (第二十五条)
    assert balances[Account.BANK] == Decimal("10010000.00")
    assert [e.to_state for e in app.events.all()] == [
        "draft",
        "submitted",
        "signed",
        "approved",
        "contracted",
        "disbursed",
        "renewed",
        "repaid",
        "archived",
    ]
    actions = set(
        AuditEntry.objects.filter(
            object_id=str(app.pk), object_type="fund.application"
        ).values_list("action", flat=True)
    )
    assert {
        "fund.application.sign",
        "fund.application.review",
        "fund.application.disburse",
        "fund.application.repay",
    } <= actions


def test_a_late_bank_signature_is_refused_with_the_latest_allowed_date(funded):
    app = drive(funded, "submitted")
    with pytest.raises(DomainError) as err:
        services.application_sign(
            actor=funded.bank_user,
            application=app,
            signed_on=date(2024, 9, 26),
            opinion="同意",
            renewal_amount=app.requested,
            documents=docs(Stage.APPLICATION),
        )
    assert err.value.code == "fund.signoff_late"
    assert "2024-09-25" in err.value.message
    app.refresh_from_db()
    assert app.state == State.SUBMITTED


def test_signing_needs_every_document_of_article_15(funded):
    app = drive(funded, "submitted")
    with pytest.raises(DomainError) as err:
        services.application_sign(
            actor=funded.bank_user,
            application=app,
            signed_on=date(2024, 9, 20),
            opinion="同意",
            renewal_amount=app.requested,
            documents=["renewal_consent"],
        )
    assert err.value.code == "fund.documents_missing"
    assert "征信" in err.value.message


def test_a_bank_renewing_for_less_than_the_repayment_cannot_sign(funded):
    app = drive(funded, "submitted")
    with pytest.raises(DomainError) as err:
        services.application_sign(
            actor=funded.bank_user,
            application=app,
            signed_on=date(2024, 9, 20),
            opinion="同意",
            renewal_amount="4000000",
            documents=docs(Stage.APPLICATION),
        )
    assert err.value.code == "fund.renewal_amount"


def test_review_refuses_an_unverified_fact_and_missing_documents(funded):
    app = drive(funded, "signed")
    facts = all_facts()
    facts.pop("bank_confirms_renewal")
    with pytest.raises(DomainError) as err:
        services.application_review(
            actor=funded.operator,
            application=app,
            day=date(2024, 9, 26),
            facts=facts,
            documents=docs(Stage.REVIEW),
        )
    assert err.value.code == "fund.ineligible"
    assert "待核实" in err.value.message
    with pytest.raises(DomainError) as err:
        services.application_review(
            actor=funded.operator,
            application=app,
            day=date(2024, 9, 26),
            facts=all_facts(),
            documents=["business_licence"],
        )
    assert err.value.code == "fund.documents_missing"
    assert "公司章程" in err.value.message


def test_review_refuses_more_than_the_available_balance(fund):
    services.capital_pay_in(
        actor=fund.finance, amount="1000000", day=date(2024, 4, 10), key="small"
    )
    app = drive(fund, "signed")
    with pytest.raises(DomainError) as err:
        services.application_review(
            actor=fund.operator,
            application=app,
            day=date(2024, 9, 26),
            facts=all_facts(),
            documents=docs(Stage.REVIEW),
        )
    assert err.value.code == "fund.amount"
    assert "可用余额" in err.value.message


def test_an_enterprise_on_the_exclusion_list_is_refused_at_review(funded):
    services.exclusion_record(
        actor=funded.finance,
        enterprise=funded.enterprise,
        reason="on_closure_or_obsolete_capacity_list",
        since=date(2024, 5, 1),
    )
    app = drive(funded, "signed")
    with pytest.raises(DomainError) as err:
        services.application_review(
            actor=funded.operator,
            application=app,
            day=date(2024, 9, 26),
            facts=all_facts(),
            documents=docs(Stage.REVIEW),
        )
    assert err.value.code == "fund.ineligible"
    assert "淘汰落后产能" in err.value.message


def test_misuse_recalls_early_and_writes_the_exclusion_list(funded):
    app = drive(funded, "disbursed")
    app = services.application_recall(
        actor=funded.finance, application=app, found=date(2024, 10, 12), note="挪作他用"
    )
    assert app.state == State.RECALLED
    record = Exclusion.objects.get(enterprise=funded.enterprise)
    assert record.clause == "art_14__subpara_3"
    app = services.application_repay(
        actor=funded.operator, application=app, repaid_on=date(2024, 10, 12)
    )
    assert app.fee == Decimal("4000.00")  # 4 days
    # the next application of that enterprise is refused at review
    again = drive(funded, "signed")
    with pytest.raises(DomainError):
        services.application_review(
            actor=funded.operator,
            application=again,
            day=date(2024, 9, 26),
            facts=all_facts(),
            documents=docs(Stage.REVIEW),
        )


def test_a_bank_that_never_renewed_becomes_liable_after_twenty_days(funded):
    app = drive(funded, "disbursed")  # disbursed 2024-10-08
    with pytest.raises(DomainError) as err:
        services.application_bank_liable(
            actor=funded.operator, application=app, on=date(2024, 10, 20)
        )
    assert err.value.code == "fund.not_liable"
    app = services.application_bank_liable(
        actor=funded.operator, application=app, on=date(2024, 10, 29)
    )
    assert app.state == State.BANK_LIABLE
    assert app.liability_amount == Decimal("5021000.00")  # principal + 21 days' fee
    app = services.application_repay(
        actor=funded.operator, application=app, repaid_on=date(2024, 10, 29)
    )
    assert app.state == State.REPAID
    assert app.fee == Decimal("21000.00")


def test_side_paths_withdraw_and_reject(funded):
    app = drive(funded, "submitted")
    app = services.application_withdraw(actor=funded.ent_user, application=app, reason="已自筹资金")
    assert app.state == State.WITHDRAWN
    other = drive(funded, "submitted")
    with pytest.raises(DomainError):
        services.application_reject(actor=funded.bank_user, application=other, reason=" ")
    other = services.application_reject(
        actor=funded.bank_user, application=other, reason="不同意续贷"
    )
    assert other.state == State.REJECTED
    with pytest.raises(DomainError) as err:
        services.application_submit(actor=funded.ent_user, application=other, day=date(2024, 9, 18))
    assert err.value.code == "fund.wrong_state"


def test_outside_the_validity_the_system_refuses(funded):
    app = new_app(funded, maturity=date(2029, 6, 1))
    with pytest.raises(DomainError) as err:
        services.application_submit(actor=funded.ent_user, application=app, day=date(2029, 4, 5))
    assert err.value.code == "fund.expired"
    early = new_app(funded)
    with pytest.raises(DomainError) as err:
        services.application_submit(actor=funded.ent_user, application=early, day=date(2024, 4, 4))
    assert err.value.code == "fund.not_in_force"


def test_a_retried_disbursement_or_repayment_posts_once(funded):
    app = drive(funded, "disbursed")
    again = services.application_disburse(
        actor=funded.operator, application=app, day=date(2024, 10, 8)
    )
    assert again.state == State.DISBURSED
    assert LedgerTransaction.objects.filter(kind="disburse").count() == 1
    services.application_repay(actor=funded.operator, application=app, repaid_on=date(2024, 10, 18))
    services.application_repay(actor=funded.operator, application=app, repaid_on=date(2024, 10, 18))
    assert LedgerTransaction.objects.filter(kind="repay").count() == 1


def test_workflow_steps_belong_to_their_party(funded):
    app = drive(funded, "submitted")
    with pytest.raises(PermissionDenied):  # another bank
        services.application_sign(
            actor=funded.bank2_user,
            application=app,
            signed_on=date(2024, 9, 20),
            opinion="",
            renewal_amount=app.requested,
            documents=docs(Stage.APPLICATION),
        )
    with pytest.raises(PermissionDenied):  # the auditor changes nothing
        services.application_withdraw(actor=funded.auditor, application=app)
    with pytest.raises(PermissionDenied):  # another enterprise
        services.application_withdraw(actor=funded.ent2_user, application=app)
    app = drive(funded, "signed")
    for who in (funded.finance, funded.bank_user, funded.ent_user, funded.other_unit):
        with pytest.raises(PermissionDenied):
            services.application_review(
                actor=who,
                application=app,
                day=date(2024, 9, 26),
                facts=all_facts(),
                documents=docs(Stage.REVIEW),
            )


def test_maturity_used_by_the_fixture_has_the_documented_latest_date():
    from chengqu.fund import latest_signoff_date

    assert latest_signoff_date(MATURITY).value == date(2024, 9, 25)


def test_a_project_loan_is_accepted_as_a_draft_but_refused_at_review(funded):
    app = drive(funded, "signed", loan_kind="project")
    with pytest.raises(DomainError) as err:
        services.application_review(
            actor=funded.operator,
            application=app,
            day=date(2024, 9, 26),
            facts=all_facts(),
            documents=docs(Stage.REVIEW),
        )
    assert "项目贷款" in err.value.message


def test_a_bad_kind_is_a_domain_error_not_a_crash(funded):
    with pytest.raises(DomainError) as err:
        new_app(funded, entity_kind="company")
    assert err.value.code == "fund.kind"


def test_an_individual_business_needs_no_articles_of_association(funded):
    app = drive(funded, "signed", entity_kind="individual")
    review = [d for d in docs(Stage.REVIEW) if d != "articles_of_association"]
    app = services.application_review(
        actor=funded.operator,
        application=app,
        day=date(2024, 9, 26),
        facts=all_facts(),
        documents=review,
    )
    assert app.state == State.APPROVED
