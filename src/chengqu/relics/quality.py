"""Data quality of census records (五(五)): coordinates, the district outline, duplicates, photographs."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from chengqu.common import Citation, Decision, DomainError
from chengqu.relics.census import census_rules
from chengqu.rules import cite, dec, load_table

TABLE = "relics_census"
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG); distances only flag possible duplicates

_DMS = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*[°度]\s*(?:(\d+(?:\.\d+)?)\s*['′分])?\s*(?:(\d+(?:\.\d+)?)\s*[\"″秒])?\s*([NSEW东西南北]?)\s*$"
)


@dataclass(frozen=True, slots=True)
class Coordinates:
    """A point in the census datum (CGCS2000), decimal degrees."""

    longitude: Decimal
    latitude: Decimal


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What the quality checks look at in one census record; empty strings mean not filled in."""

    key: str = ""
    name: str = ""
    address: str = ""
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    level: str = ""
    category: str = ""
    era: str = ""
    ownership: str = ""
    use: str = ""
    state: str = ""
    managing_body: str = ""
    photographs: int = 0


@dataclass(frozen=True, slots=True)
class Neighbour:
    """Another record already in the register, for the duplicate check."""

    key: str
    name: str
    longitude: Decimal
    latitude: Decimal


@dataclass(frozen=True, slots=True)
class QualityIssue:
    """One finding. ``severity`` is ``error`` (blocks publication until fixed) or ``warning``
    (blocks publication until an expert accepts it)."""

    code: str
    severity: str
    message: str
    field: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class _QualityRules:
    cite: Citation
    datum: str
    near_m: Decimal
    min_photos: int
    max_decimals: int
    polygon: tuple[tuple[float, float], ...]
    centre: tuple[float, float]
    district: str
    source: str
    photo_magic: tuple[tuple[str, bytes], ...]
    drawing_magic: tuple[tuple[str, bytes], ...]
    max_bytes: int
    images_cite: Citation


@cache
def _rules() -> _QualityRules:
    table: dict[str, Any] = load_table(TABLE)
    quality = table["quality"]
    district = table["district"]
    images = table["images"]
    photo = tuple((str(k), bytes.fromhex(h)) for k, h in images["photo"])
    return _QualityRules(
        cite=cite(table, quality),
        datum=str(quality["datum"]),
        near_m=dec(quality["near_metres"], where="quality.near_metres"),
        min_photos=int(dec(quality["min_photographs"], where="quality.min_photographs")),
        max_decimals=int(dec(quality["max_decimals"], where="quality.max_decimals")),
        polygon=tuple((float(dec(x)), float(dec(y))) for x, y in district["polygon"]),
        centre=(float(dec(district["centre"][0])), float(dec(district["centre"][1]))),
        district=str(district["name"]),
        source=str(district["source"]),
        photo_magic=photo,
        drawing_magic=photo + tuple((str(k), bytes.fromhex(h)) for k, h in images["drawing_extra"]),
        max_bytes=int(dec(images["max_bytes"], where="images.max_bytes")),
        images_cite=cite(table, images),
    )


def datum() -> str:
    """The stated datum of every coordinate (CGCS2000). Source: 城政发〔2024〕3号 三(二), 五(五)."""
    return _rules().datum


def district_outline() -> tuple[tuple[tuple[float, float], ...], str]:
    """The district polygon (lon, lat) and where it comes from (an approximation, stated)."""
    rules = _rules()
    return rules.polygon, rules.source


def _degrees(raw: object, field: str, label: str) -> Decimal:
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = str(raw).strip().replace("，", ".")
    match = _DMS.match(text)
    if match and ("°" in text or "度" in text):
        deg, minutes, seconds, hemi = match.groups()
        value = Decimal(deg) + Decimal(minutes or 0) / 60 + Decimal(seconds or 0) / 3600
        value = value.quantize(Decimal("0.000001"))
        return -value if hemi in {"S", "W", "南", "西"} else value
    try:
        return Decimal(text)
    except InvalidOperation:
        raise DomainError(
            f"relics.{field}",
            f"{label}「{text}」不是有效的数值 (应为十进制度, 如 112.851234)",
            field=field,
        ) from None


def parse_coordinates(longitude: object, latitude: object) -> Coordinates:
    """Longitude and latitude from decimal degrees or 度分秒 text; refuses swapped or impossible values.

    Source: 城政发〔2024〕3号 三(二) (空间位置), 五(五).
    """
    rules = _rules()
    lon = _degrees(longitude, "longitude", "经度")
    lat = _degrees(latitude, "latitude", "纬度")
    if abs(lat) > 90 and abs(lon) <= 90:
        raise DomainError(
            "relics.coordinates_swapped",
            f"经纬度顺序颠倒: 经度 {lon}、纬度 {lat}; 城区经度约 112.8, 纬度约 35.5, 请对调后重新填写",
            field="longitude",
        )
    if not -180 <= lon <= 180:
        raise DomainError("relics.longitude", f"经度 {lon} 超出 -180 至 180", field="longitude")
    if not -90 <= lat <= 90:
        raise DomainError("relics.latitude", f"纬度 {lat} 超出 -90 至 90", field="latitude")
    quantum = Decimal(1).scaleb(-rules.max_decimals)
    return Coordinates(lon.quantize(quantum), lat.quantize(quantum))


def in_district(point: Coordinates) -> Decision[bool]:
    """Whether the point lies inside the district outline (ray casting; edges count as inside).

    Source: 城政发〔2024〕3号 五(五); the outline is an approximation stated in the rule table.
    """
    rules = _rules()
    x, y = float(point.longitude), float(point.latitude)
    polygon = rules.polygon
    inside = False
    for i, (x1, y1) in enumerate(polygon):
        x2, y2 = polygon[(i + 1) % len(polygon)]
        on_edge = (x2 - x1) * (y - y1) == (y2 - y1) * (x - x1)
        if on_edge and min(y1, y2) <= y <= max(y1, y2) and min(x1, x2) <= x <= max(x1, x2):
            return Decision(value=True, citations=(rules.cite,))
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return Decision(inside, (rules.cite,), (rules.source,))


def distance_m(a: Coordinates, b: Coordinates) -> float:
    """Great-circle distance in metres (haversine), enough to flag records at the same place."""
    lat1, lat2 = math.radians(float(a.latitude)), math.radians(float(b.latitude))
    dlat = lat2 - lat1
    dlon = math.radians(float(b.longitude) - float(a.longitude))
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def near_metres() -> Decimal:
    """Records closer than this are possible duplicates (project reading of 五(五))."""
    return _rules().near_m


def _normal(name: str) -> str:
    return re.sub(r"[\s·•()（）]", "", name)


def check_record(
    facts: RecordFacts, neighbours: Iterable[Neighbour] = ()
) -> Decision[tuple[QualityIssue, ...]]:
    """All quality findings for one record: required contents, district, duplicates, photographs.

    Source: 城政发〔2024〕3号 三(二) (普查内容), 五(五) (数据质量检查核查).
    """
    census = census_rules()
    rules = _rules()
    issues: list[QualityIssue] = []
    for field, label in census.required:
        value = getattr(facts, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            issues.append(
                QualityIssue(
                    f"required.{field}",
                    "error",
                    f"缺少普查内容: {label}",
                    field,
                    census.contents_cite,
                )
            )
    point = None
    if facts.longitude is not None and facts.latitude is not None:
        try:
            point = parse_coordinates(facts.longitude, facts.latitude)
        except DomainError as exc:
            issues.append(
                QualityIssue("coordinates.invalid", "error", exc.message, "longitude", rules.cite)
            )
    if point is not None and not in_district(point).value:
        issues.append(
            QualityIssue(
                "coordinates.outside",
                "error",
                f"坐标 ({point.longitude}, {point.latitude}) 不在{rules.district}范围内",
                "longitude",
                rules.cite,
            )
        )
    if point is not None:
        near_m = float(rules.near_m)
        lat0, lon0 = float(point.latitude), float(point.longitude)
        # a cheap box test first: one degree of latitude is at least 110.5 km, of longitude (at 35.5°N) ~90 km
        dlat_max = near_m / 110_500
        dlon_max = near_m / (110_500 * max(0.1, math.cos(math.radians(abs(lat0)) + 0.01)))
        for other in neighbours:
            if other.key == facts.key:
                continue
            if (
                abs(float(other.latitude) - lat0) > dlat_max
                or abs(float(other.longitude) - lon0) > dlon_max
            ):
                continue
            metres = distance_m(point, Coordinates(other.longitude, other.latitude))
            if metres > float(rules.near_m):
                continue
            if _normal(other.name) == _normal(facts.name):
                issues.append(
                    QualityIssue(
                        "duplicate.same_name",
                        "error",
                        f"与「{other.name}」({other.key}) 同名且相距 {metres:.0f} 米, 疑为重复登记",
                        "name",
                        rules.cite,
                    )
                )
            else:
                issues.append(
                    QualityIssue(
                        f"duplicate.near.{other.key}",
                        "warning",
                        f"与「{other.name}」({other.key}) 相距 {metres:.0f} 米, 请专家确认是否为同一处",
                        "longitude",
                        rules.cite,
                    )
                )
    if facts.photographs < rules.min_photos:
        issues.append(
            QualityIssue(
                "photographs.missing",
                "error",
                f"缺少照片 (至少 {rules.min_photos} 张)",
                "photographs",
                rules.cite,
            )
        )
    return Decision(tuple(issues), (census.contents_cite, rules.cite))


def file_kind(head: bytes, *, drawing: bool = False, size: int | None = None) -> str:
    """The format of an uploaded photograph (or drawing) from its leading bytes; refuses anything else.

    Source: 城政发〔2024〕3号 五(五); accepted formats are listed in the rule table.
    """
    rules = _rules()
    if size is not None and size > rules.max_bytes:
        raise DomainError(
            "relics.file_size", f"文件过大 ({size} 字节), 上限 {rules.max_bytes} 字节", field="file"
        )
    for kind, magic in rules.drawing_magic if drawing else rules.photo_magic:
        if head.startswith(magic):
            if kind == "webp" and head[8:12] != b"WEBP":
                continue
            return kind
    allowed = "、".join(
        sorted({k.upper() for k, _ in (rules.drawing_magic if drawing else rules.photo_magic)})
    )
    what = "图纸" if drawing else "照片"
    raise DomainError(
        "relics.file_type", f"上传的{what}不是图片文件 (接受 {allowed})", field="file"
    )


_DIRECTIONS = ("北", "东北", "东", "东南", "南", "西南", "西", "西北")


def location_description(
    *, town: str, address: str, point: Coordinates | None, sensitive: bool
) -> str:
    """A map-free description of where a relic is, for the public register; sensitive sites get the
    town only. Source: 城政发〔2024〕3号 五(五), 五(六) (向社会公布普查成果)."""
    if sensitive or point is None:
        return f"位于{town}" + (
            "(具体位置不予公开)" if sensitive else (f"{address}" if address else "")
        )
    rules = _rules()
    centre = Coordinates(Decimal(str(rules.centre[0])), Decimal(str(rules.centre[1])))
    metres = distance_m(centre, point)
    dx = (float(point.longitude) - rules.centre[0]) * math.cos(math.radians(rules.centre[1]))
    dy = float(point.latitude) - rules.centre[1]
    bearing = (math.degrees(math.atan2(dx, dy)) + 360) % 360
    direction = _DIRECTIONS[int((bearing + 22.5) // 45) % 8]
    where = f"区政府{direction}约 {metres / 1000:.1f} 公里" if metres >= 500 else "区政府附近"
    return f"位于{town}{address}, {where}"
