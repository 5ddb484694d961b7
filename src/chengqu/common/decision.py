"""Citations and decisions: every answer the domain gives says which clause it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Citation:
    """A clause of a gazette document (or a national standard) that a decision relies on.

    ``document`` is the canonical 文号 (``城政办发〔2024〕6号``) or a standard's number
    (``HJ 633-2012``); ``clause`` is the clause id in the registry (``art_10``, ``sec_3__subsec_1``);
    ``text`` quotes the words relied on.
    """

    document: str
    clause: str
    text: str = ""

    def label(self) -> str:
        return f"{self.document} {self.clause}"


@dataclass(frozen=True, slots=True)
class Decision(Generic[T]):
    """A value the rules produced, with the citations used and notes for the reader."""

    value: T
    citations: tuple[Citation, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def cite(self, *more: Citation) -> Decision[T]:
        """The same decision with more citations (duplicates dropped, order kept)."""
        merged = tuple(dict.fromkeys((*self.citations, *more)))
        return Decision(self.value, merged, self.notes)
