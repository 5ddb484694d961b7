"""Who may borrow (第三条、第十三条、第十四条), what must be filed (第十五条、第十六条), how much."""

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from chengqu.common import DomainError
from chengqu.fund import (
    Applicant,
    EntityKind,
    LoanKind,
    Stage,
    check_amount,
    check_eligibility,
    document_checklist,
    missing_documents,
)

GOOD_ENTERPRISE = Applicant(
    kind=EntityKind.ENTERPRISE,
    operating_normally=True,
    good_prospects=True,
    fits_industrial_policy=True,
    pays_tax_in_district=True,
    licences_complete=True,
    entity_credit_clean=True,
    legal_rep_credit_clean=True,
    controller_credit_clean=True,
    sound_accounting=True,
    has_renewal_difficulty=True,
    bank_confirms_renewal=True,
    on_closure_or_obsolete_capacity_list=False,
    defaulted_on_repayment=False,
    owes_fees=False,
    misused_funds=False,
)

GOOD_INDIVIDUAL = replace(
    GOOD_ENTERPRISE,
    kind=EntityKind.INDIVIDUAL,
    entity_credit_clean=None,
    legal_rep_credit_clean=None,
    controller_credit_clean=None,
    sound_accounting=None,
    operator_credit_clean=True,
)


def with_fact(applicant: Applicant, fact: str, *, value: bool | None) -> Applicant:
    changes: dict[str, Any] = {fact: value}
    return replace(applicant, **changes)


def test_an_enterprise_meeting_every_condition_is_eligible() -> None:
    decision = check_eligibility(GOOD_ENTERPRISE)
    assert decision.value.eligible
    assert not decision.value.failures
    assert [c.clause for c in decision.citations] == ["art_3", "art_13", "art_14"]


def test_an_individual_business_answers_only_for_its_operator() -> None:
    decision = check_eligibility(GOOD_INDIVIDUAL)
    assert decision.value.eligible
    assert not decision.value.unknown
    blemished = check_eligibility(replace(GOOD_INDIVIDUAL, operator_credit_clean=False))
    assert [(f.fact, f.clause) for f in blemished.value.failures] == [
        ("operator_credit_clean", "art_13__subpara_3")
    ]


@pytest.mark.parametrize(
    ("fact", "clause"),
    [
        ("operating_normally", "art_13__subpara_1"),
        ("good_prospects", "art_13__subpara_1"),
        ("fits_industrial_policy", "art_13__subpara_1"),
        ("pays_tax_in_district", "art_13__subpara_2"),
        ("licences_complete", "art_13__subpara_2"),
        ("entity_credit_clean", "art_13__subpara_3"),
        ("legal_rep_credit_clean", "art_13__subpara_3"),
        ("controller_credit_clean", "art_13__subpara_3"),
        ("sound_accounting", "art_13__subpara_3"),
        ("has_renewal_difficulty", "art_13__subpara_4"),
        ("bank_confirms_renewal", "art_13__subpara_4"),
    ],
)
def test_each_condition_of_article_thirteen_is_named_and_cited(fact: str, clause: str) -> None:
    decision = check_eligibility(with_fact(GOOD_ENTERPRISE, fact, value=False))
    assert not decision.value.eligible
    assert [(f.fact, f.clause) for f in decision.value.failures] == [(fact, clause)]
    assert "不符合" in decision.value.failures[0].message
    assert clause in [c.clause for c in decision.citations]


@pytest.mark.parametrize(
    ("fact", "clause"),
    [
        ("on_closure_or_obsolete_capacity_list", "art_14__subpara_1"),
        ("defaulted_on_repayment", "art_14__subpara_2"),
        ("owes_fees", "art_14__subpara_2"),
        ("misused_funds", "art_14__subpara_3"),
    ],
)
def test_each_exclusion_of_article_fourteen_is_named_and_cited(fact: str, clause: str) -> None:
    decision = check_eligibility(with_fact(GOOD_ENTERPRISE, fact, value=True))
    assert not decision.value.eligible
    assert [(f.fact, f.clause) for f in decision.value.failures] == [(fact, clause)]
    assert "不得申报" in decision.value.failures[0].message
    assert any("原则上" in note for note in decision.notes)


def test_a_fact_not_yet_established_keeps_the_applicant_waiting() -> None:
    decision = check_eligibility(replace(GOOD_ENTERPRISE, licences_complete=None))
    assert not decision.value.eligible
    assert not decision.value.failures
    assert [(f.fact, f.clause) for f in decision.value.unknown] == [
        ("licences_complete", "art_13__subpara_2")
    ]


@pytest.mark.parametrize("kind", [LoanKind.PROJECT, LoanKind.OFF_BALANCE_SHEET, LoanKind.OTHER])
def test_only_working_capital_loans_are_bridged(kind: LoanKind) -> None:
    decision = check_eligibility(replace(GOOD_ENTERPRISE, loan_kind=kind))
    assert [(f.fact, f.clause) for f in decision.value.failures] == [("loan_kind", "art_3")]


def test_several_failures_are_all_reported() -> None:
    decision = check_eligibility(
        replace(GOOD_ENTERPRISE, pays_tax_in_district=False, misused_funds=True)
    )
    assert {f.fact for f in decision.value.failures} == {"pays_tax_in_district", "misused_funds"}


def test_a_fact_that_is_not_yes_or_no_is_refused() -> None:
    with pytest.raises(DomainError):
        check_eligibility(replace(GOOD_ENTERPRISE, operating_normally="yes"))  # type: ignore[arg-type]


# ---------------------------------------------------------------- documents

APPLICATION_KEYS = [
    "renewal_consent",
    "maturing_loan_contract",
    "renewal_in_progress_proof",
    "credit_report",
]
REVIEW_KEYS = [
    "business_licence",
    "identity_card",
    "credit_certificate",
    "tax_certificate",
    "financial_statements",
    "articles_of_association",
    "account_opening_notice",
]


def test_the_bank_file_is_complete_without_other_documents() -> None:
    decision = missing_documents(Stage.APPLICATION, EntityKind.ENTERPRISE, APPLICATION_KEYS)
    assert decision.value.complete
    assert decision.value.missing == ()


@pytest.mark.parametrize(
    ("stage", "keys"), [(Stage.APPLICATION, APPLICATION_KEYS), (Stage.REVIEW, REVIEW_KEYS)]
)
def test_each_missing_document_is_named_with_its_clause(stage: Stage, keys: list[str]) -> None:
    for absent in keys:
        decision = missing_documents(stage, EntityKind.ENTERPRISE, [k for k in keys if k != absent])
        assert not decision.value.complete
        assert [item.key for item in decision.value.missing] == [absent]
        assert decision.value.missing[0].clause in [c.clause for c in decision.citations]
        assert decision.notes[0].startswith("缺少: ")


def test_an_individual_business_files_no_articles_and_its_own_id() -> None:
    items = {item.key: item for item in document_checklist(Stage.REVIEW, EntityKind.INDIVIDUAL)}
    assert "articles_of_association" not in items
    assert items["identity_card"].label == "个体工商户经营者身份证"
    keys = [k for k in REVIEW_KEYS if k != "articles_of_association"]
    assert missing_documents(Stage.REVIEW, EntityKind.INDIVIDUAL, keys).value.complete


def test_an_enterprise_must_file_its_articles() -> None:
    keys = [k for k in REVIEW_KEYS if k != "articles_of_association"]
    missing = missing_documents(Stage.REVIEW, EntityKind.ENTERPRISE, keys).value.missing
    assert [(i.label, i.clause) for i in missing] == [("公司章程", "art_16__subpara_6")]


def test_an_unknown_document_key_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        missing_documents(
            Stage.APPLICATION, EntityKind.ENTERPRISE, [*APPLICATION_KEYS, "renewal_consnet"]
        )
    assert caught.value.code == "fund.document_unknown"
    assert "renewal_consnet" in caught.value.message


# ---------------------------------------------------------------- amount


def test_an_amount_within_the_loan_the_renewal_and_the_fund_is_accepted() -> None:
    decision = check_amount(
        requested="3000000", maturing_due="3000000", renewal_amount="3000000", available="80000000"
    )
    assert decision.value.ok
    assert decision.value.amount == Decimal("3000000.00")


@pytest.mark.parametrize(
    ("args", "clause"),
    [
        (
            {
                "requested": "3000001",
                "maturing_due": "3000000",
                "renewal_amount": "4000000",
                "available": "9e7",
            },
            "art_2",
        ),
        (
            {
                "requested": "3000000",
                "maturing_due": "3000000",
                "renewal_amount": "2999999.99",
                "available": "9e7",
            },
            "art_15__subpara_1",
        ),
        (
            {
                "requested": "3000000",
                "maturing_due": "3000000",
                "renewal_amount": "3000000",
                "available": "2999999",
            },
            "art_7",
        ),
    ],
)
def test_each_amount_problem_is_named_and_cited(args: dict[str, str], clause: str) -> None:
    decision = check_amount(
        requested=args["requested"],
        maturing_due=args["maturing_due"],
        renewal_amount=args["renewal_amount"],
        available=args["available"],
    )
    assert not decision.value.ok
    assert len(decision.value.problems) == 1
    assert clause in [c.clause for c in decision.citations]
