"""A document's clauses by the names rules give them: the eId (``chp_2__art_10``), the eId
without its nesting (``art_10``), or the number as printed with its parents (``3.2``,
``4.2.1(1)①``, ``二(一)2``, ``(二十八)``).

A printed number is the path of numbers from the top: a dotted number (``4.2.1``) or an article
or chapter (``第十条``) stands on its own, any other number is appended to its parent's (``4.2.1``
+ ``(1)`` + ``①``). Punctuation that closes a number (``一、``, ``1.``) and the bracket width are
dropped. A name that two clauses
share is ambiguous and resolves to nothing, never to a guess.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from chengqu.gazette import Clause, Document, walk_clauses

_DOTTED = re.compile(r"^\d+(?:\.\d+)+$")
_SEPARATORS = re.compile(r"[、,，;；]")
_ARTICLE = re.compile(r"^第([一二三四五六七八九十百零〇]+)([章条节])$")


def normalise_num(num: str) -> str:
    """``（一）`` → ``(一)``, ``一、`` → ``一``, ``1.`` → ``1``, spaces dropped."""
    text = num.replace("（", "(").replace("）", ")").replace("．", ".").replace(" ", "")
    return text.rstrip("、.")


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a reference names: the eIds found (one per part of ``3.4、5.1``) and the parts
    that named nothing or more than one clause."""

    eids: tuple[str, ...]
    unresolved: tuple[str, ...]


def _all_clauses(document: Document) -> Iterator[tuple[Clause, str]]:
    """Every clause with its printed path, body first, then each attachment's."""

    def walk(clauses: tuple[Clause, ...], parent: str) -> Iterator[tuple[Clause, str]]:
        for clause in clauses:
            num = normalise_num(clause.num or "")
            if not num:
                path = parent
            elif _DOTTED.match(num) or _ARTICLE.match(num) or not parent:
                path = num
            else:
                path = parent + num
            yield clause, path
            yield from walk(clause.children, path if num else parent)

    yield from walk(document.clauses, "")
    for attachment in document.attachments:
        yield from walk(attachment.clauses, "")


class ClauseIndex:
    """The clauses of one document, findable by every name a rule table uses."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.clauses: dict[str, Clause] = {}
        self.printed: dict[str, str] = {}  # eId → printed path ("" for unnumbered text)
        names: dict[str, set[str]] = defaultdict(set)
        for clause, path in _all_clauses(document):
            self.clauses.setdefault(clause.eid, clause)
            self.printed.setdefault(clause.eid, path if clause.num else "")
            names[clause.eid].add(clause.eid)
            parts = clause.eid.split("__")
            for start in range(1, len(parts)):
                names["__".join(parts[start:])].add(clause.eid)
            if clause.num:
                names[path].add(clause.eid)
                names[normalise_num(clause.num)].add(clause.eid)
        self._names = names

    def _pattern(self, name: str) -> list[str]:
        """``二{n}3``: a row standing for each of a series — every clause whose printed path
        fits, ``{n}`` standing for one number."""
        regex = re.compile(
            "^" + ".+?".join(re.escape(normalise_num(p)) for p in name.split("{n}")) + "$"
        )
        return sorted(
            {eid for key, eids in self._names.items() if regex.match(key) for eid in eids}
        )

    def _one(self, name: str) -> str | None:
        name = normalise_num(name.strip())
        if name in self.clauses:  # an exact eId always wins over a shorter alias
            return name
        found = self._names.get(name, set())
        return next(iter(found)) if len(found) == 1 else None

    def resolve(self, ref: str) -> Resolved:
        """The clauses ``ref`` names: ``3.4、5.1`` is two references."""
        eids: list[str] = []
        missing: list[str] = []
        for part in (p.strip() for p in _SEPARATORS.split(ref)):
            if not part:
                continue
            if "{n}" in part:
                series = self._pattern(part)
                eids.extend(e for e in series if e not in eids)
                if not series:
                    missing.append(part)
                continue
            eid = self._one(part)
            if eid is None:
                missing.append(part)
            elif eid not in eids:
                eids.append(eid)
        return Resolved(tuple(eids), tuple(missing))

    def part(self, name: str) -> tuple[str, ...]:
        """A part and everything under it: ``att_1`` is the whole first attachment."""
        match = re.fullmatch(r"att_(\d+)", name)
        if match:
            attachments = self.document.attachments
            number = int(match.group(1))
            if 1 <= number <= len(attachments):
                return tuple(c.eid for c in walk_clauses(attachments[number - 1].clauses))
            return ()
        top = self._one(name)
        if top is None:
            return ()
        return (top, *(eid for eid in self.clauses if eid.startswith(top + "__")))

    def label(self, eid: str) -> str:
        """The clause as a reader names it: its printed path, or its number or heading."""
        clause = self.clauses[eid]
        unnumbered = {"intro": "引言", "wrapup": "结语"}.get(clause.kind)
        return self.printed.get(eid) or clause.num or unnumbered or clause.heading or eid

    def walk(self) -> Iterator[Clause]:
        for clause, _ in _all_clauses(self.document):
            yield clause
