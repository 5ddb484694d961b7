"""The emergency command system as data: headquarters, positions and the seats that join them."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from chengqu.common import Citation, DomainError

ROSTER_RESOURCE = "command_roster.toml"


class Role(StrEnum):
    """A seat's role as the notice names it."""

    CHIEF = "总指挥"
    EXECUTIVE_DEPUTY_CHIEF = "常务副总指挥"
    DEPUTY_CHIEF = "副总指挥"
    COMMANDER = "指挥长"
    DEPUTY_COMMANDER = "副指挥长"
    MEMBER = "成员"
    OFFICE_DIRECTOR = "办公室主任"


class Kind(StrEnum):
    GENERAL = "general"
    SPECIAL = "special"
    PLAN = "plan"


@dataclass(frozen=True, slots=True)
class Position:
    """A post (区应急管理局局长) and who holds it; ``holder`` is "" when no document names one."""

    key: str
    title: str
    unit: str
    holder: str
    citation: Citation
    line: int | None = None
    column: str = ""  # "left" / "right": the column of the reconstructed general-HQ table
    title_given: bool = True

    @property
    def named(self) -> bool:
        return bool(self.holder)


@dataclass(frozen=True, slots=True)
class Seat:
    """One position sitting in one HQ in one role; ``as_written`` keeps the document's words."""

    hq: str
    role: Role
    position: str
    as_written: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class Person:
    """Who sits, as the CLI shows it: the holder's name ("" if unnamed) and the position."""

    name: str
    position: str


@dataclass(frozen=True, slots=True)
class Office:
    """The HQ's office (指挥部办公室): the host unit and the positions directing it."""

    host: str
    directors: tuple[str, ...]
    text: str
    duties: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class Headquarters:
    """A headquarters: the general HQ, a specialised HQ (专项应急指挥部) or a plan's HQ."""

    key: str
    kind: Kind
    name: str
    document: str
    clause: str
    seats: tuple[Seat, ...]
    members_text: str
    member_units: tuple[str, ...]
    office: Office
    duties: str
    duties_citation: Citation
    groups: tuple[str, ...] = ()
    groups_note: str = ""
    groups_citation: Citation | None = None
    also: str = ""
    related: str = ""
    notes: tuple[str, ...] = ()

    def in_role(self, *roles: Role) -> tuple[Seat, ...]:
        return tuple(seat for seat in self.seats if seat.role in roles)

    @property
    def commanders(self) -> tuple[Seat, ...]:
        """总指挥 of the general HQ, 指挥长 of the others."""
        return self.in_role(Role.CHIEF, Role.COMMANDER)

    @property
    def deputies(self) -> tuple[Seat, ...]:
        """常务副总指挥 and 副总指挥 of the general HQ, 副指挥长 of the others."""
        return self.in_role(Role.EXECUTIVE_DEPUTY_CHIEF, Role.DEPUTY_CHIEF, Role.DEPUTY_COMMANDER)

    @property
    def members(self) -> tuple[Seat, ...]:
        return self.in_role(Role.MEMBER)

    @property
    def citation(self) -> Citation:
        return Citation(self.document, self.clause, self.name)


@dataclass(frozen=True, slots=True)
class PositionSeats:
    """A position with every seat it holds across the HQs."""

    position: Position
    seats: tuple[Seat, ...]

    @property
    def hqs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(seat.hq for seat in self.seats))


@dataclass(frozen=True, slots=True)
class Reconstruction:
    """A repair of conversion damage in the gazette text, with the lines it touches."""

    first_line: int
    last_line: int
    what: str
    reading: str = ""


@dataclass(frozen=True)
class Roster:
    """The whole command system; positions are shared, so a new holder updates every HQ."""

    document: str
    title: str
    by_key: Mapping[str, Position]
    hqs: tuple[Headquarters, ...]
    reconstructions: tuple[Reconstruction, ...]
    substitution: Citation
    other_types: Citation

    def headquarters(self, key: str) -> Headquarters:
        """The HQ by key (``forest_fire``) or by name (``森林防灭火指挥部``, ``区减灾委员会``).

        Source: 城政办发〔2024〕8号 一、二.
        """
        wanted = key.strip()
        for hq in self.hqs:
            if wanted in {hq.key, hq.name, hq.also, "区" + hq.name}:
                return hq
        raise DomainError("command.hq_unknown", f"未找到指挥部: {key}", field="hq")

    def special(self) -> tuple[Headquarters, ...]:
        """The 专项应急指挥部 in the notice's order."""
        return tuple(hq for hq in self.hqs if hq.kind is Kind.SPECIAL)

    def general(self) -> Headquarters:
        return next(hq for hq in self.hqs if hq.kind is Kind.GENERAL)

    def position(self, key: str) -> Position:
        try:
            return self.by_key[key]
        except KeyError:
            raise DomainError(
                "command.position_unknown", f"未找到岗位: {key}", field="position"
            ) from None

    def positions(self) -> tuple[PositionSeats, ...]:
        """Every distinct position with its seats, in the order positions are listed.

        Source: 城政办发〔2024〕8号 二 ("由相应岗位人员自然替补").
        """
        seats: dict[str, list[Seat]] = {key: [] for key in self.by_key}
        for hq in self.hqs:
            for seat in hq.seats:
                seats[seat.position].append(seat)
        return tuple(PositionSeats(self.by_key[key], tuple(found)) for key, found in seats.items())

    def seats_of(self, position: str) -> tuple[Seat, ...]:
        """Every seat of a position (by key) across the HQs, offices included.

        Source: 城政办发〔2024〕8号 一、二.
        """
        self.position(position)
        return tuple(seat for hq in self.hqs for seat in hq.seats if seat.position == position)

    def holder_of(self, position: str) -> str:
        return self.position(position).holder

    def person(self, position: str) -> Person:
        found = self.position(position)
        return Person(found.holder, found.title)

    def positions_held_by(self, name: str) -> tuple[Position, ...]:
        return tuple(p for p in self.by_key.values() if p.holder == name)

    def with_holder(self, position: str, holder: str) -> Roster:
        """The roster after ``holder`` takes ``position``: every HQ seat follows the position.

        Source: 城政办发〔2024〕8号 二 ("成员如有变动,由相应岗位人员自然替补,不再另行发文").
        """
        name = "".join(holder.split())
        if not name:
            raise DomainError("command.holder_empty", "任职人员姓名不能为空", field="holder")
        updated = dict(self.by_key)
        updated[position] = replace(self.position(position), holder=name)
        return replace(self, by_key=MappingProxyType(updated))


# ---------------------------------------------------------------- loading


def parse_roster(data: Mapping[str, Any]) -> Roster:
    """A Roster from the parsed TOML; every seat must name a known position."""
    document = dict(data["document"])
    number = str(document["number"])
    positions: dict[str, Position] = {}
    for entry in data.get("position", []):
        key = str(entry["key"])
        if key in positions:
            raise DomainError("command.roster_invalid", f"岗位重复: {key}")
        doc = str(entry.get("document", number))
        clause = str(entry.get("clause", _clause_of_line(entry.get("line"))))
        positions[key] = Position(
            key=key,
            title=str(entry["title"]),
            unit=str(entry["unit"]),
            holder=str(entry.get("holder", "")),
            citation=Citation(doc, clause, f"{entry.get('holder', '')} {entry['title']}".strip()),
            line=entry.get("line"),
            column=str(entry.get("column", "")),
            title_given=bool(entry.get("title_given", True)),
        )
    hqs = tuple(_parse_hq(entry, positions) for entry in data.get("hq", []))
    keys = [hq.key for hq in hqs]
    if len(set(keys)) != len(keys):
        raise DomainError("command.roster_invalid", "指挥部键重复")
    reconstructions = tuple(
        Reconstruction(
            int(r["lines"][0]), int(r["lines"][1]), str(r["what"]), str(r.get("reading", ""))
        )
        for r in (*data.get("reconstruction", []), *data.get("repair", []))
    )
    return Roster(
        document=number,
        title=str(document["title"]),
        by_key=MappingProxyType(positions),
        hqs=hqs,
        reconstructions=reconstructions,
        substitution=Citation(
            number, str(document["substitution_clause"]), str(document["substitution_text"])
        ),
        other_types=Citation(
            number, str(document["other_types_clause"]), str(document["other_types_text"])
        ),
    )


def _clause_of_line(line: object) -> str:
    # Positions of 8号 are cited by the part of the notice they are printed in.
    if isinstance(line, int) and line < 1628:
        return "一"
    return "二"


_ROLE_FIELDS: dict[Kind, tuple[tuple[str, Role], ...]] = {
    Kind.GENERAL: (
        ("commanders", Role.CHIEF),
        ("executive_deputies", Role.EXECUTIVE_DEPUTY_CHIEF),
        ("deputies", Role.DEPUTY_CHIEF),
        ("members", Role.MEMBER),
    ),
    Kind.SPECIAL: (("commanders", Role.COMMANDER), ("deputies", Role.DEPUTY_COMMANDER)),
    Kind.PLAN: (("commanders", Role.COMMANDER), ("deputies", Role.DEPUTY_COMMANDER)),
}


def _parse_hq(entry: Mapping[str, Any], positions: Mapping[str, Position]) -> Headquarters:
    key = str(entry["key"])
    kind = Kind(str(entry["kind"]))
    document = str(entry["document"])
    clause = str(entry["clause"])
    # 8号 numbers each specialised HQ's parts: 1 组成, 2 职责, 3 办公室及职责.
    composition = clause + "1" if kind is Kind.SPECIAL else clause
    duties_clause = clause + "2" if kind is Kind.SPECIAL else clause
    office_clause = (
        clause + "3" if kind is Kind.SPECIAL else str(entry.get("office_clause", clause))
    )

    seats: list[Seat] = []
    for field, role in _ROLE_FIELDS[kind]:
        keys = [str(k) for k in entry.get(field, [])]
        written = [str(w) for w in entry.get(field + "_as_written", keys)]
        if len(written) != len(keys):
            raise DomainError(
                "command.roster_invalid", f"{key}.{field}_as_written 与 {field} 数量不一致"
            )
        for position, words in zip(keys, written, strict=True):
            _known(positions, key, position)
            seats.append(
                Seat(
                    key,
                    role,
                    position,
                    words,
                    _seat_citation(document, composition, role, positions[position], words),
                )
            )
    directors = tuple(str(d) for d in entry.get("office_directors", []))
    written_directors = [str(w) for w in entry.get("office_directors_as_written", directors)]
    office_citation = Citation(document, office_clause, str(entry.get("office_text", "")))
    for position, words in zip(directors, written_directors, strict=True):
        _known(positions, key, position)
        seats.append(Seat(key, Role.OFFICE_DIRECTOR, position, words, office_citation))
    office = Office(
        host=str(entry["office_host"]),
        directors=directors,
        text=str(entry.get("office_text", "")),
        duties=str(entry.get("office_duties", "")),
        citation=office_citation,
    )
    notes = tuple(str(entry[n]) for n in ("duties_note",) if entry.get(n))
    groups_clause = entry.get("groups_clause")
    return Headquarters(
        key=key,
        kind=kind,
        name=str(entry["name"]),
        document=document,
        clause=clause,
        seats=tuple(seats),
        members_text=str(entry.get("members_text", "")),
        member_units=tuple(str(u) for u in entry.get("member_units", [])),
        office=office,
        duties=str(entry.get("duties", "")),
        duties_citation=Citation(document, duties_clause, str(entry.get("duties", ""))[:60]),
        groups=tuple(str(g) for g in entry.get("groups", [])),
        groups_note=str(entry.get("groups_note", "")),
        groups_citation=Citation(document, str(groups_clause)) if groups_clause else None,
        also=str(entry.get("also", "")),
        related=str(entry.get("related", "")),
        notes=notes,
    )


def _known(positions: Mapping[str, Position], hq: str, position: str) -> None:
    if position not in positions:
        raise DomainError("command.roster_invalid", f"指挥部 {hq} 引用了未定义的岗位: {position}")


def _seat_citation(
    document: str, clause: str, role: Role, position: Position, words: str
) -> Citation:
    if position.named and words == position.title:
        text = f"{role.value}:{position.holder} {position.title}"
    else:
        text = f"{role.value}:{words}"
    return Citation(document, clause, text)


@cache
def load_roster() -> Roster:
    """The roster shipped in ``chengqu.data`` (城政办发〔2024〕8号 and the three plans).

    Source: 城政办发〔2024〕8号; 城政办发〔2024〕1号 2.1–2.2; 城政办发〔2024〕2号 2.1–2.2; 城政办发〔2024〕7号 2.1–2.3.
    """
    text = resources.files("chengqu.data").joinpath(ROSTER_RESOURCE).read_text(encoding="utf-8")
    return parse_roster(tomllib.loads(text))


def people(roster: Roster, seats: Iterable[Seat]) -> tuple[Person, ...]:
    """The persons in these seats, each with the position title."""
    return tuple(roster.person(seat.position) for seat in seats)
