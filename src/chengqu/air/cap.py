"""CAP 1.2 alerts for the district's heavy-pollution warnings (issue 4 §5).

Pure: builds the XML text of one alert from plain values. Identifier pattern of GB/T 35965.1-2018
附录A (``ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N``), times with +08:00, severity by colour (red Extreme,
orange Severe, yellow Moderate), areaDesc 晋城市城区 with its GB/T 2260 geocode. Validation
against the OASIS schema is the caller's (the portal uses capvalidator).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from xml.etree import ElementTree as ET

from chengqu.common.clock import to_local
from chengqu.common.errors import DomainError
from chengqu.rules import load_table

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
MSG_TYPES = ("Alert", "Update", "Cancel")
IDENTIFIER_RE = re.compile(r"^\d{6}\d{3}\d{3}\d{2}_\d{14}_\d$")


@cache
def cap_table() -> dict[str, Any]:
    return load_table("air_cap")


def issuer_code(org_code: str | None = None) -> str:
    """ZZZZZZDDDUUUXX: area, organ, unit and extension codes (GB/T 35965.1 A.1.2).

    ``org_code`` (GB/T 4657, three digits) overrides the rule table's, which is an assumed "000"
    until the office's code is confirmed (``org_code_assumed``).
    """
    i = cap_table()["identifier"]
    organ = str(i["org_code"]) if org_code is None else org_code.strip()
    if not re.fullmatch(r"\d{3}", organ):
        raise DomainError(
            "air.cap_org_code", f"发布机构代码(GB/T 4657)应为3位数字: {organ!r}", field="org_code"
        )
    code = f"{i['region_code']}{organ}{i['unit_code']}{i['extension']}"
    if not re.fullmatch(r"\d{14}", code):
        raise DomainError("rules.value", f"发布单位代码应为14位数字: {code}")
    return code


def org_code_assumed(org_code: str | None = None) -> bool:
    """True while the identifier carries the rule table's assumed organ code (no override given)."""
    return org_code is None and bool(cap_table()["identifier"].get("org_code_assumed", False))


def cap_time(moment: datetime) -> str:
    """CAP dateTime in Beijing time with an explicit offset: 2026-01-05T08:00:00+08:00."""
    return to_local(moment).replace(microsecond=0).isoformat()


def identifier_for(entered: datetime, serial: int, *, org_code: str | None = None) -> str:
    """``ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N`` (31 characters), entered time in Beijing time."""
    if not 0 <= serial <= 9:
        raise DomainError(
            "air.cap_serial", "同一秒内发布的预警信息超过10条, 请稍后再发布", field="serial"
        )
    return f"{issuer_code(org_code)}_{to_local(entered).strftime('%Y%m%d%H%M%S')}_{serial}"


def severity_of(level: str) -> str:
    try:
        return str(cap_table()["severity"][level])
    except KeyError:
        raise DomainError(
            "air.cap_level", f"没有对应 CAP 严重程度的预警级别: {level}", field="level"
        ) from None


@dataclass(frozen=True, slots=True)
class CapReference:
    """An earlier alert this one updates or cancels (CAP 1.2 ``references``: sender,identifier,sent)."""

    sender: str
    identifier: str
    sent: datetime

    def text(self) -> str:
        return f"{self.sender},{self.identifier},{cap_time(self.sent)}"


@dataclass(frozen=True, slots=True)
class CapAlert:
    identifier: str
    sent: datetime
    msg_type: str
    level: str  # yellow / orange / red: the level in force (for Cancel: the level released)
    headline: str
    description: str
    instruction: str
    references: tuple[CapReference, ...] = ()
    expires: datetime | None = None
    web: str = ""

    @property
    def sender(self) -> str:
        """The issuer code the identifier starts with (ZZZZZZDDDUUUXX)."""
        return self.identifier[:14]

    def reference(self) -> CapReference:
        return CapReference(self.sender, self.identifier, self.sent)


def alert_xml(alert: CapAlert) -> str:
    """The CAP 1.2 XML document of one alert (UTF-8 declaration included)."""
    if alert.msg_type not in MSG_TYPES:
        raise DomainError(
            "air.cap_type",
            f"CAP 消息类型应为 Alert/Update/Cancel: {alert.msg_type}",
            field="msg_type",
        )
    if alert.msg_type != "Alert" and not alert.references:
        raise DomainError(
            "air.cap_references", "更新或解除的预警信息必须引用此前的预警信息", field="references"
        )
    if not IDENTIFIER_RE.match(alert.identifier):
        raise DomainError(
            "air.cap_identifier",
            f"预警信息标识不符合 GB/T 35965.1: {alert.identifier}",
            field="identifier",
        )
    table = cap_table()
    cancel = alert.msg_type == "Cancel"
    ET.register_namespace("", CAP_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
        if text is not None:
            element.text = text
        return element

    root = ET.Element(f"{{{CAP_NS}}}alert")
    sub(root, "identifier", alert.identifier)
    sub(root, "sender", alert.sender)
    sub(root, "sent", cap_time(alert.sent))
    sub(root, "status", "Actual")
    sub(root, "msgType", alert.msg_type)
    sub(root, "scope", "Public")
    if alert.references:
        sub(root, "references", " ".join(r.text() for r in alert.references))
    info = sub(root, "info")
    sub(info, "language", "zh-CN")
    sub(info, "category", str(table["sender"]["category"]))
    sub(info, "event", str(table["sender"]["event"]))
    sub(info, "responseType", "AllClear" if cancel else "Prepare")
    sub(info, "urgency", "Past" if cancel else "Expected")
    sub(info, "severity", "Minor" if cancel else severity_of(alert.level))
    sub(info, "certainty", "Observed" if cancel else "Likely")
    code = sub(info, "eventCode")
    sub(code, "valueName", "预警级别")
    sub(code, "value", alert.level)
    sub(info, "effective", cap_time(alert.sent))
    if alert.expires is not None:
        sub(info, "expires", cap_time(alert.expires))
    sub(info, "senderName", str(table["sender"]["name"]))
    sub(info, "headline", alert.headline)
    sub(info, "description", alert.description)
    if alert.instruction:
        sub(info, "instruction", alert.instruction)
    if alert.web:
        sub(info, "web", alert.web)
    area = sub(info, "area")
    sub(area, "areaDesc", str(table["area"]["area_desc"]))
    geocode = sub(area, "geocode")
    sub(geocode, "valueName", str(table["area"]["geocode_name"]))
    sub(geocode, "value", str(table["area"]["geocode_value"]))
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def references_of(alerts: Sequence[CapAlert]) -> tuple[CapReference, ...]:
    return tuple(a.reference() for a in alerts)
