"""Quality checks of 五(五): coordinates, the district outline, duplicates, photographs, file types."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.common import DomainError
from chengqu.relics import (
    Coordinates,
    RecordFacts,
    check_record,
    distance_m,
    file_kind,
    in_district,
    location_description,
    parse_coordinates,
)
from chengqu.relics.quality import Neighbour, district_outline

INSIDE = Coordinates(Decimal("112.851"), Decimal("35.498"))


def full(**overrides: object) -> RecordFacts:
    values: dict[str, object] = {
        "key": "A1",
        "name": "玉皇庙",
        "address": "北石店镇府城村",
        "longitude": Decimal("112.851"),
        "latitude": Decimal("35.498"),
        "level": "national",
        "category": "building",
        "era": "宋",
        "ownership": "国有",
        "use": "开放参观",
        "state": "good",
        "managing_body": "玉皇庙文物管理所",
        "photographs": 2,
    }
    values.update(overrides)
    return RecordFacts(**values)  # type: ignore[arg-type]


def codes(facts: RecordFacts, neighbours: tuple[Neighbour, ...] = ()) -> set[str]:
    return {i.code for i in check_record(facts, neighbours).value}


def test_a_complete_record_inside_the_district_has_no_issue() -> None:
    assert codes(full()) == set()


def test_each_missing_census_content_is_named() -> None:
    issues = check_record(full(era="", managing_body="  ")).value
    assert {i.code for i in issues} == {"required.era", "required.managing_body"}
    assert any("管理机构" in i.message for i in issues)
    assert all(i.citation.clause == "para_3__subpara_2" for i in issues)


def test_a_record_without_photographs_is_flagged() -> None:
    assert codes(full(photographs=0)) == {"photographs.missing"}


def test_coordinates_outside_the_district_are_flagged() -> None:
    # Taiyuan, not 城区
    assert "coordinates.outside" in codes(
        full(longitude=Decimal("112.549"), latitude=Decimal("37.870"))
    )


def test_swapped_coordinates_are_refused_with_a_hint() -> None:
    with pytest.raises(DomainError) as error:
        parse_coordinates("35.498", "112.851")
    assert error.value.code == "relics.coordinates_swapped"
    assert "颠倒" in error.value.message


def test_degrees_minutes_seconds_are_read() -> None:
    point = parse_coordinates("112°51'3.6\"E", "35°29'52.8\"N")
    assert point == Coordinates(Decimal("112.851000"), Decimal("35.498000"))


def test_text_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(DomainError) as error:
        parse_coordinates("东经一百一十二度", "35.5")
    assert error.value.field == "longitude"


def test_same_name_near_the_same_place_is_a_duplicate_other_names_a_warning() -> None:
    twin = Neighbour("B7", "玉皇庙", Decimal("112.8511"), Decimal("35.4981"))
    other = Neighbour("B8", "关帝庙", Decimal("112.8512"), Decimal("35.4980"))
    far = Neighbour("B9", "玉皇庙", Decimal("112.900"), Decimal("35.520"))
    issues = check_record(full(), (twin, other, far)).value
    severities = {i.code: i.severity for i in issues}
    assert severities == {"duplicate.same_name": "error", "duplicate.near.B8": "warning"}


def test_a_record_is_not_its_own_duplicate() -> None:
    me = Neighbour("A1", "玉皇庙", Decimal("112.851"), Decimal("35.498"))
    assert codes(full(), (me,)) == set()


def test_the_district_outline_states_its_source() -> None:
    polygon, source = district_outline()
    assert len(polygon) >= 3
    assert "近似" in source


@given(
    st.decimals(min_value=Decimal("112.78"), max_value=Decimal("112.96"), places=6),
    st.decimals(min_value=Decimal("35.43"), max_value=Decimal("35.57"), places=6),
)
def test_points_well_inside_the_box_are_inside(lon: Decimal, lat: Decimal) -> None:
    assert in_district(Coordinates(lon, lat)).value


@given(st.decimals(min_value=Decimal("113.0"), max_value=Decimal("120"), places=3))
def test_points_east_of_the_district_are_outside(lon: Decimal) -> None:
    assert not in_district(Coordinates(lon, Decimal("35.5"))).value


def test_distance_is_about_111_km_per_degree_of_latitude() -> None:
    a = Coordinates(Decimal("112.85"), Decimal("35.0"))
    b = Coordinates(Decimal("112.85"), Decimal("36.0"))
    assert 111_000 < distance_m(a, b) < 111_400


def test_images_are_recognised_by_their_bytes_not_their_name() -> None:
    assert file_kind(b"\xff\xd8\xff\xe0rest") == "jpeg"
    assert file_kind(b"\x89PNG\r\n\x1a\n....") == "png"
    with pytest.raises(DomainError) as error:
        file_kind(b"PK\x03\x04 a zip called photo.jpg")
    assert "不是图片" in error.value.message
    with pytest.raises(DomainError):
        file_kind(b"%PDF-1.7")
    assert file_kind(b"%PDF-1.7", drawing=True) == "pdf"


def test_an_oversized_file_is_refused() -> None:
    with pytest.raises(DomainError) as error:
        file_kind(b"\xff\xd8\xff", size=10**9)
    assert error.value.code == "relics.file_size"


def test_sensitive_sites_are_described_by_town_only() -> None:
    point = Coordinates(Decimal("112.880"), Decimal("35.520"))
    public = location_description(town="北石店镇", address="府城村", point=point, sensitive=False)
    hidden = location_description(town="北石店镇", address="府城村", point=point, sensitive=True)
    assert "府城村" in public
    assert "东北" in public
    assert "府城村" not in hidden
    assert "不予公开" in hidden


@given(
    st.floats(min_value=0, max_value=48),
    st.floats(min_value=0, max_value=359.9),
)
def test_every_record_within_the_radius_is_flagged_whatever_the_direction(
    metres: float, bearing: float
) -> None:
    import math

    lat0, lon0 = 35.5, 112.85
    dlat = metres * math.cos(math.radians(bearing)) / 111_000
    dlon = metres * math.sin(math.radians(bearing)) / (111_000 * math.cos(math.radians(lat0)))
    other = Neighbour("N1", "别的庙", Decimal(f"{lon0 + dlon:.6f}"), Decimal(f"{lat0 + dlat:.6f}"))
    facts = full(longitude=Decimal("112.850000"), latitude=Decimal("35.500000"))
    assert "duplicate.near.N1" in codes(facts, (other,))
