"""The fund's workbench tiles: each party sees its own waiting step, never another bank's or firm's."""

from __future__ import annotations

from fund_helpers import drive, new_app  # type: ignore[import-not-found]

from chengqu.common import clock
from portal.core.workbench import workbench


def _fund_tiles(user) -> dict[str, int | None]:
    return {t.label: t.count for t in workbench(user, clock.today()) if t.module == "fund"}


def test_a_bank_sees_what_waits_for_its_signature_and_another_bank_sees_nothing(funded):
    drive(funded, "submitted")  # to 甲银行; its sign-off deadline (2024-09-25) has long passed
    new_app(funded)  # a draft the enterprise has not sent yet
    assert _fund_tiles(funded.bank_user) == {"待银行签署的申请": 1, "超过时限的周转资金": 1}
    assert _fund_tiles(funded.bank2_user) == {}
    assert _fund_tiles(funded.ent_user) == {"未报送银行的申请": 1, "超过时限的周转资金": 1}
    assert _fund_tiles(funded.ent2_user) == {}
    assert _fund_tiles(funded.other_unit) == {}


def test_the_operator_sees_signed_applications_to_review(funded):
    drive(funded, "signed")
    assert _fund_tiles(funded.operator)["待承办主体审核的申请"] == 1
