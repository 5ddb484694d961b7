"""The 4.3 reduction check and CAP 1.2 alert building (issue 4 §5, §6)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from capvalidator import check_schema  # type: ignore[import-untyped]

from chengqu.air.cap import CapAlert, alert_xml, cap_time, identifier_for
from chengqu.air.reduction import ListEntry, check_reductions
from chengqu.common import SHANGHAI
from chengqu.common.errors import DomainError

TOTAL = {"so2": Decimal("100"), "nox": Decimal("200"), "pm": Decimal("50"), "vocs": None}


def _entry(name: str, so2_cut: str, exempt: frozenset[str] = frozenset()) -> ListEntry:
    emissions = {
        "so2": Decimal("60"),
        "nox": Decimal("100"),
        "pm": Decimal("20"),
        "vocs": Decimal("5"),
    }
    cuts = {"so2": Decimal(so2_cut), "nox": Decimal("30"), "pm": Decimal("5"), "vocs": Decimal("1")}
    return ListEntry(name, emissions, {"III": cuts, "II": cuts, "I": cuts}, exempt)


def _find(results, response, pollutant):
    return next(r for r in results if r.response == response and r.pollutant == pollutant)


def test_exactly_twenty_percent_reaches_the_yellow_target():
    results = check_reductions(TOTAL, [_entry("甲", "20")])
    yellow = _find(results, "III", "so2")
    assert yellow.met
    assert yellow.share_percent == Decimal("20.00")
    assert yellow.shortfall == 0
    orange = _find(results, "II", "so2")
    assert not orange.met
    assert orange.shortfall == Decimal("10.000")
    assert _find(results, "I", "nox").shortfall == Decimal("50.000")  # 40 % of 200 minus 30


def test_an_exempted_enterprise_counts_for_nothing_at_that_level():
    results = check_reductions(TOTAL, [_entry("甲", "20", frozenset({"III"}))])
    assert _find(results, "III", "so2").reduced == 0
    assert _find(results, "II", "so2").reduced == Decimal("20.000")


def test_an_unknown_district_total_is_not_met_and_has_no_share():
    check = _find(check_reductions(TOTAL, [_entry("甲", "20")]), "III", "vocs")
    assert check.share_percent is None
    assert not check.met


def test_a_reduction_above_the_emissions_is_refused():
    with pytest.raises(DomainError) as err:
        check_reductions(TOTAL, [_entry("甲", "61")])
    assert err.value.code == "air.reduction_exceeds"


def test_identifier_follows_gb_t_35965_and_times_carry_plus_eight():
    moment = datetime(2026, 1, 5, 8, 30, 15, tzinfo=SHANGHAI)
    ident = identifier_for(moment, 0)
    assert len(ident) == 31
    assert ident.startswith("140502")
    assert ident.endswith("_20260105083015_0")
    assert cap_time(moment) == "2026-01-05T08:30:15+08:00"


@pytest.mark.parametrize(
    ("level", "severity"), [("yellow", "Moderate"), ("orange", "Severe"), ("red", "Extreme")]
)
def test_alerts_validate_against_the_cap_schema_with_severity_by_colour(level, severity):
    sent = datetime(2026, 1, 5, 8, 0, tzinfo=SHANGHAI)
    first = CapAlert(
        identifier_for(sent, 0),
        sent,
        "Alert",
        level,
        "城区发布重污染天气预警",
        "描述",
        "减少户外活动",
    )
    xml = alert_xml(first)
    assert check_schema(xml.encode()).passed
    assert f"<severity>{severity}</severity>" in xml
    assert "<areaDesc>晋城市城区</areaDesc>" in xml
    later = datetime(2026, 1, 6, 8, 0, tzinfo=SHANGHAI)
    cancel = CapAlert(
        identifier_for(later, 0),
        later,
        "Cancel",
        level,
        "解除",
        "解除",
        "",
        references=(first.reference(),),
    )
    xml = alert_xml(cancel)
    assert check_schema(xml.encode()).passed
    assert (
        f"<references>{first.sender},{first.identifier},2026-01-05T08:00:00+08:00</references>"
        in xml
    )


def test_an_update_without_references_is_refused():
    sent = datetime(2026, 1, 5, 8, 0, tzinfo=SHANGHAI)
    with pytest.raises(DomainError):
        alert_xml(CapAlert(identifier_for(sent, 1), sent, "Update", "red", "h", "d", ""))


def test_the_cap_organ_code_is_configurable_and_the_default_is_marked_assumed():
    from chengqu.air.cap import issuer_code, org_code_assumed

    moment = datetime(2026, 1, 5, 8, 30, 15, tzinfo=SHANGHAI)
    assert issuer_code() == "14050200000000"
    assert org_code_assumed() is True
    ident = identifier_for(moment, 3, org_code="123")
    assert ident == "14050212300000_20260105083015_3"
    assert org_code_assumed("123") is False
    alert = CapAlert(
        ident, moment, "Alert", "yellow", "城区发布重污染天气预警", "描述", "减少户外活动"
    )
    assert alert.sender == "14050212300000"
    assert f"<sender>{alert.sender}</sender>" in alert_xml(alert)
    for bad in ("12", "12a", "1234"):
        with pytest.raises(DomainError) as err:
            identifier_for(moment, 0, org_code=bad)
        assert err.value.field == "org_code"
