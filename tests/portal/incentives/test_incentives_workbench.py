"""The incentives workbench tiles: the lead unit sees claims to review, the government claims to approve."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.core.workbench import workbench
from portal.incentives.services import claim_review, claim_submit

pytestmark = pytest.mark.django_db


def _tiles(user, day) -> dict[str, int | None]:
    return {t.label: t.count for t in workbench(user, day) if t.module == "incentives"}


def test_a_claim_waits_on_its_lead_units_workbench_then_on_the_governments(people, claim_day):
    proof = SimpleUploadedFile(
        "演出场次证明.pdf", b"%PDF-1.4 proof", content_type="application/pdf"
    )
    claim = claim_submit(
        actor=people.acme_user,
        measure=14,
        facts={"tourism_show_performances_h1": "120"},
        documents=[proof],
    )
    assert _tiles(people.tourism_user, claim_day) == {"待本单位审核的申报": 1}
    assert _tiles(people.commerce_user, claim_day) == {}  # not its measure
    assert _tiles(people.beta_user, claim_day) == {}
    claim_review(actor=people.tourism_user, claim=claim, approve=True, note="材料齐全")
    assert _tiles(people.tourism_user, claim_day) == {}
    assert _tiles(people.government_user, claim_day) == {"待区政府审批的申报": 1}
