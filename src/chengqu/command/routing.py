"""Routing: an incident's words → the headquarters that commands it, who commands and who is told."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from chengqu.command.roster import Headquarters, Person, Roster, load_roster, people
from chengqu.common import Citation, Decision, DomainError
from chengqu.rules import load_table

TABLE = "command_routing"


class Status(StrEnum):
    MATCHED = "matched"  # one HQ
    AMBIGUOUS = "ambiguous"  # several candidates: the duty officer chooses
    UNKNOWN = "unknown"  # no word known: the general HQ, 视情况设立专项指挥机构


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who must be told, and the clause that says so."""

    who: str
    persons: tuple[Person, ...]
    citation: Citation


@dataclass(frozen=True, slots=True)
class Route:
    """One HQ an incident goes to: its commanders, deputies, office and who must be told."""

    hq: str
    name: str
    commanders: tuple[Person, ...]
    deputies: tuple[Person, ...]
    office_host: str
    office_directors: tuple[Person, ...]
    plans: tuple[str, ...]
    notify: tuple[Recipient, ...]
    citation: Citation

    def as_dict(self) -> dict[str, Any]:
        """The CLI contract: ``{"hq", "commanders", "deputies", "office", "citation"}``."""

        def persons(found: tuple[Person, ...]) -> list[dict[str, str]]:
            return [{"name": p.name, "position": p.position} for p in found]

        return {
            "hq": self.name,
            "commanders": persons(self.commanders),
            "deputies": persons(self.deputies),
            "office": {"host": self.office_host, "directors": persons(self.office_directors)},
            "plans": list(self.plans),
            "notify": [
                {"who": r.who, "persons": persons(r.persons), "clause": r.citation.label()}
                for r in self.notify
            ],
            "citation": {
                "document": self.citation.document,
                "clause": self.citation.clause,
                "text": self.citation.text,
            },
        }


@dataclass(frozen=True, slots=True)
class Routing:
    """The routing of one incident: status, the route(s), and the words that decided it."""

    status: Status
    routes: tuple[Route, ...]
    matched_words: tuple[str, ...]

    @property
    def hqs(self) -> tuple[str, ...]:
        return tuple(route.hq for route in self.routes)


@dataclass(frozen=True, slots=True)
class _Entry:
    word: str
    hqs: tuple[str, ...]
    plans: tuple[str, ...]
    citation: Citation
    ambiguous: bool
    note: str = ""
    from_issue: bool = False


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The routing words, each with its HQ(s) and clause."""

    entries: tuple[_Entry, ...]

    def words(self, *, issue_only: bool = False) -> dict[str, tuple[str, ...]]:
        return {
            e.word: e.hqs
            for e in self.entries
            if not e.ambiguous and (e.from_issue or not issue_only)
        }

    def ambiguous_words(self) -> dict[str, tuple[str, ...]]:
        return {e.word: e.hqs for e in self.entries if e.ambiguous}


@cache
def load_vocabulary() -> Vocabulary:
    """The vocabulary of ``command_routing.toml``.

    Source: 城政办发〔2024〕8号 二(一)–(十七) 2 (each HQ's duties).
    """
    table = load_table(TABLE)
    document = str(table["document"]["number"])
    entries: list[_Entry] = []
    seen: set[str] = set()
    for route in table.get("route", []):
        citation = Citation(document, str(route["clause"]), str(route.get("text", "")))
        plans = tuple(str(p) for p in route.get("plans", []))
        for word, from_issue in [
            *((w, True) for w in route.get("words", [])),
            *((w, False) for w in route.get("extra", [])),
        ]:
            _unique(seen, str(word))
            entries.append(
                _Entry(
                    str(word),
                    (str(route["hq"]),),
                    plans,
                    citation,
                    ambiguous=False,
                    from_issue=from_issue,
                )
            )
    for item in table.get("ambiguous", []):
        _unique(seen, str(item["word"]))
        entries.append(
            _Entry(
                str(item["word"]),
                tuple(str(c) for c in item["candidates"]),
                (),
                Citation(document, "二"),
                ambiguous=True,
                note=str(item["note"]),
            )
        )
    return Vocabulary(tuple(entries))


def _unique(seen: set[str], word: str) -> None:
    if word in seen:
        raise DomainError("command.routing_invalid", f"路由词重复: {word}")
    seen.add(word)


def _normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _matches(text: str, vocabulary: Vocabulary) -> list[_Entry]:
    """Entries whose word occurs in ``text``, minus those inside a longer matched word."""
    spans: list[tuple[int, int, _Entry]] = []
    for entry in vocabulary.entries:
        start = text.find(entry.word)
        while start >= 0:
            spans.append((start, start + len(entry.word), entry))
            start = text.find(entry.word, start + 1)
    kept = [
        (a, b, e)
        for a, b, e in spans
        if not any(c <= a and b <= d and (d - c) > (b - a) for c, d, _ in spans)
    ]
    return list(dict.fromkeys(e for _, _, e in kept))


def route_incident(text_or_type: str, *, roster: Roster | None = None) -> Decision[Routing]:
    """The HQ(s) an incident goes to, with commanders, office and who must be told.

    Accepts an HQ key or name (``forest_fire``, ``森林防灭火指挥部``) or free text ("北山森林火灾").
    Several HQs or an unspecific word give candidates; no known word gives the general HQ.
    Source: 城政办发〔2024〕8号 一、二(一)–(十七) and "其他类型突发事件,视情况设立专项指挥机构" (二).
    """
    roster = roster or load_roster()
    text = _normalise(text_or_type)
    if not text:
        raise DomainError("command.type_missing", "请填写突发事件类型或描述", field="type")
    direct = _direct(text, roster)
    if direct is not None:
        route = build_route(roster, direct)
        return Decision(Routing(Status.MATCHED, (route,), (text,)), (route.citation,))

    vocabulary = load_vocabulary()
    found = _matches(text, vocabulary)
    if not found:
        general = build_route(roster, roster.general())
        note = f"未识别的事件类型, 由区应急救援总指挥部统筹: {roster.other_types.text}"
        return Decision(
            Routing(Status.UNKNOWN, (general,), ()), (general.citation, roster.other_types), (note,)
        )

    hq_keys = list(dict.fromkeys(k for e in found for k in e.hqs))
    plan_keys = tuple(dict.fromkeys(p for e in found for p in e.plans))
    words = tuple(e.word for e in found)
    routes = tuple(build_route(roster, roster.headquarters(k), plans=plan_keys) for k in hq_keys)
    citations = tuple(dict.fromkeys(c for e in found for c in (e.citation,) if not e.ambiguous))
    citations = tuple(dict.fromkeys((*citations, *(r.citation for r in routes))))
    if len(routes) == 1 and not any(e.ambiguous for e in found):
        return Decision(Routing(Status.MATCHED, routes, words), citations)
    notes = [e.note for e in found if e.ambiguous]
    if len(hq_keys) > 1:
        names = "、".join(r.name for r in routes)
        notes.append(f"描述涉及多个指挥部({names}), 请值班人员确认牵头指挥部; 未自动选择。")
    return Decision(Routing(Status.AMBIGUOUS, routes, words), citations, tuple(notes))


def _direct(text: str, roster: Roster) -> Headquarters | None:
    for hq in roster.hqs:
        if text in {hq.key, hq.name, "区" + hq.name} or (hq.also and text == hq.also):
            return hq
    return None


def build_route(roster: Roster, hq: Headquarters, *, plans: tuple[str, ...] = ()) -> Route:
    """The route to one HQ: persons from the roster's current holders.

    Source: 城政办发〔2024〕8号 一、二 (composition and office of each HQ).
    """
    commanders = people(roster, hq.commanders)
    deputies = people(roster, hq.deputies)
    directors = tuple(roster.person(key) for key in hq.office.directors)
    plan_keys = plans if plans else ((hq.key,) if hq.key.startswith("plan_") else ())
    return Route(
        hq=hq.key,
        name=hq.name,
        commanders=commanders,
        deputies=deputies,
        office_host=hq.office.host,
        office_directors=directors,
        plans=plan_keys,
        notify=_notify(roster, hq, directors),
        citation=Citation(hq.document, hq.clause + ("1" if hq.kind == "special" else ""), hq.name),
    )


def _notify(
    roster: Roster, hq: Headquarters, directors: tuple[Person, ...]
) -> tuple[Recipient, ...]:
    table = load_table(TABLE)
    document = str(table["document"]["number"])
    general = roster.general()
    out: list[Recipient] = []
    for item in table.get("notify", []):
        who = str(item["who"])
        if who == "office":
            clause = (
                str(item["clause"]).replace("{n}", hq.clause.removeprefix("二"))
                if hq.kind == "special"
                else hq.office.citation.clause
            )
            doc = document if hq.kind == "special" else hq.office.citation.document
            out.append(
                Recipient(
                    f"{hq.name}办公室({hq.office.host})",
                    directors,
                    Citation(doc, clause, str(item["text"])),
                )
            )
        elif hq.key != general.key or who != "区应急救援总指挥部办公室":
            general_directors = tuple(roster.person(k) for k in general.office.directors)
            out.append(
                Recipient(
                    who,
                    general_directors,
                    Citation(document, str(item["clause"]), str(item["text"])),
                )
            )
    return tuple(out)
