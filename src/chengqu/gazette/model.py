"""The gazette's parsed shapes: an issue, its documents, their clauses and references."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Public(StrEnum):
    """公开属性 as the 附注 states it; absent means 未标注, never a guess."""

    ACTIVE = "主动公开"  # (此件公开发布)
    ON_REQUEST = "依申请公开"  # (此件依申请公开)
    WITHHELD = "不予公开"  # (此件不予公开)
    UNMARKED = "未标注"


class Status(StrEnum):
    """时效性 on a given day, computed and never stored."""

    NOT_YET = "尚未生效"
    IN_FORCE = "有效"
    REPEALED = "已废止"
    EXPIRED = "失效"


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One line of the issue's table of contents (目录)."""

    section: str | None  # 区政府文件 (the 【】 heading, brackets removed)
    title: str
    number: str | None  # canonical 文号
    page: int | None


@dataclass(frozen=True, slots=True)
class Issue:
    """The issue as printed on its cover and contents page; unknown values are None."""

    title: str | None = None
    year: int | None = None
    number: int | None = None  # 第1期
    cumulative_number: int | None = None  # 总第5期
    published: date | None = None
    organiser: str | None = None
    periodicity: str | None = None  # 季度刊
    toc: tuple[TocEntry, ...] = ()
    colophon: tuple[str, ...] = ()  # the back page (主办单位, 地址 …), line by line


@dataclass(frozen=True, slots=True)
class DocRef:
    """A document named in another: by canonical 文号 when given, and by its 《title》."""

    number: str | None
    title: str | None
    line: int  # the source line the reference starts on


@dataclass(frozen=True, slots=True)
class Clause:
    """A numbered part of a document with an Akoma Ntoso-style eId (``chp_1__art_3``).

    ``num`` is the number as printed (``第三条``, ``1.1``, ``(二)``); ``heading`` the words that
    name the part, when it has any; ``text`` its own words (children excluded), paragraphs joined
    by newlines. ``kind`` is the eId prefix: chp, sec, subsec, art, para, subpara, item, point,
    subpoint, or intro / wrapup for the unnumbered text before the first and after the last part.
    """

    eid: str
    kind: str
    num: str | None
    heading: str | None
    text: str
    children: tuple[Clause, ...] = ()
    line_start: int = 0
    line_end: int = 0

    def walk(self) -> Iterator[Clause]:
        """This clause and all its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


def walk_clauses(clauses: tuple[Clause, ...]) -> Iterator[Clause]:
    """Every clause of a tree, in document order."""
    for clause in clauses:
        yield from clause.walk()


@dataclass(frozen=True, slots=True)
class Attachment:
    """A document attached to another (the 预案 a 印发 notice publishes), with its own clauses."""

    eid: str  # att_1
    title: str | None
    doc_type: str | None
    clauses: tuple[Clause, ...]
    line_start: int
    line_end: int


@dataclass(frozen=True, slots=True)
class Document:
    """One gazette document with its GB/T 9704 elements, relations and clause tree.

    ``number`` is the canonical 文号 or None when the document has none (never invented).
    ``effective_date`` is the day it takes effect when the text says so; ``expiry_date`` the last
    day it is in force when a validity period is given. ``labels`` keeps a gov.cn-style labelled
    metadata block (发文字号：…) exactly as given.
    """

    number: str | None
    code: str | None
    year: int | None
    seq: int | None
    title: str | None
    doc_type: str | None
    category: str | None
    issuer: str | None
    addressees: tuple[str, ...]
    signed_date: date | None
    public: Public
    effective_date: date | None
    validity: str | None
    expiry_date: date | None
    repeals: tuple[DocRef, ...]
    cites: tuple[DocRef, ...]
    attachments: tuple[Attachment, ...]
    clauses: tuple[Clause, ...]
    line_start: int
    line_end: int
    page: int | None = None
    published_date: date | None = None
    labels: tuple[tuple[str, str], ...] = field(default=())

    @property
    def key(self) -> str:
        """The registry key: the canonical 文号, or the title for a document without one."""
        if self.number:
            return self.number
        return f"无文号:{self.title or self.line_start}"

    def all_clauses(self) -> Iterator[Clause]:
        """Every clause of the main text, then of each attachment, in document order."""
        yield from walk_clauses(self.clauses)
        for attachment in self.attachments:
            yield from walk_clauses(attachment.clauses)

    def clause(self, eid: str) -> Clause | None:
        """The clause with this eId, in the main text or an attachment; None when absent."""
        for clause in self.all_clauses():
            if clause.eid == eid:
                return clause
        return None


@dataclass(frozen=True, slots=True)
class Unparsed:
    """Source text the parser could not place, kept with its line numbers."""

    line_start: int
    line_end: int
    text: str


@dataclass(frozen=True, slots=True)
class Span:
    """Where a run of source lines went: ``role`` is cover, toc, title, number, addressees,
    clause, signature, date, note, attachment_title, metadata, colophon, layout or unparsed;
    ``ref`` names the document key (and ``#eid`` for clauses)."""

    line_start: int
    line_end: int
    role: str
    ref: str = ""


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something the parser could not read and left empty rather than guess.

    ``code`` is stable (``gazette.date_unreadable``: a 成文日期 line that is no real date;
    ``gazette.date_missing``: no 成文日期 found at all); ``ref`` is the document key and
    ``text`` the source words concerned (empty when there were none).
    """

    code: str
    message: str
    ref: str
    line_start: int
    line_end: int
    text: str = ""


@dataclass(frozen=True, slots=True)
class ParseResult:
    """An issue parsed: the issue, its documents, the text left unplaced, a line map, and
    the warnings for what was found but could not be read (a value left None, never guessed)."""

    issue: Issue
    documents: tuple[Document, ...]
    unparsed: tuple[Unparsed, ...]
    spans: tuple[Span, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()
