"""Clause trees: numbered paragraphs nested by their numbering, with stable Akoma Ntoso eIds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chengqu.gazette.model import Clause
from chengqu.gazette.numbers import cn_to_int
from chengqu.gazette.text import Para, ends_terminal, heading_match, tidy_heading

# Nesting rank of each numbering style (lower contains higher) and its eId prefix.
_RANK = {
    "chp": 10,
    "sect": 20,
    "art": 30,
    "para": 40,
    "sec": 44,
    "subpara": 50,
    "item": 60,
    "point": 70,
    "subpoint": 80,
}
_PREFIX = {
    "chp": "chp",
    "sect": "sec",
    "art": "art",
    "para": "para",
    "sec": "sec",
    "subpara": "subpara",
    "item": "item",
    "point": "point",
    "subpoint": "subpoint",
}
_CLOSING = re.compile(
    r"^(?:本(?:通知|办法|意见|实施意见|预案|方案|决定|规定|条例|细则|措施|政策|规则|批复)|特此)"
)
_HEADING_PUNCT = re.compile(r"[，,；;：:]")
_PAREN_ONLY = re.compile(r"[(（〔][^。]*[)）〕]")
_SHORT_SENTENCE = re.compile(r"[^，,；;：:。]{2,25}。")


@dataclass
class _Node:
    eid: str
    kind: str
    num: str | None
    heading: str | None
    rank: float
    texts: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    line_start: int = 0
    line_end: int = 0
    inline: bool = False
    raw_heading: str | None = None

    def freeze(self) -> Clause:
        if (
            self.inline
            and self.heading is None
            and len(self.texts) >= 2
            and _SHORT_SENTENCE.fullmatch(self.texts[0])
        ):
            # "(二)强化…综合协调责任。" standing alone above its body text is the heading
            self.heading, self.texts = self.texts[0][:-1], self.texts[1:]
        return Clause(
            eid=self.eid,
            kind=self.kind,
            num=self.num,
            heading=self.heading,
            text="\n".join(self.texts),
            children=tuple(child.freeze() for child in self.children),
            line_start=self.line_start,
            line_end=self.line_end,
        )


def split_heading(rest: str) -> tuple[str | None, str]:
    """(heading, text) of what follows a number: 普查范围。对全区… → (普查范围, 对全区…)."""
    rest = rest.strip()
    if not rest:
        return None, ""
    outside = re.sub(r"[(（][^()（）]*[)）]", "", rest)
    if len(rest) <= 40 and not re.search(r"[。；;：:]", outside) and rest[-1] not in "，,、":
        return tidy_heading(rest), ""
    stop = rest.find("。")
    after = rest[stop + 1 :].strip()
    if (
        0 < stop <= 25
        and after
        and not _HEADING_PUNCT.search(rest[:stop])
        and not _PAREN_ONLY.fullmatch(after)
    ):
        return tidy_heading(rest[:stop]), rest[stop + 1 :].strip()
    return None, rest


def _suffix(kind: str, number: str) -> tuple[str, float]:
    """The eId step and nesting rank of a numbering token."""
    if kind == "dsec":
        parts = [int(p) for p in re.split(r"\s*[.．]\s*", number)]
        steps = [f"sec_{parts[0]}"] + [f"subsec_{p}" for p in parts[1:]]
        return "__".join(steps), _RANK["sec"] + len(parts) - 1
    value = ord(number) - 9312 + 1 if kind == "subpoint" else cn_to_int(number)
    return f"{_PREFIX[kind]}_{value}", _RANK[kind]


def build_clauses(
    paras: list[Para],
    *,
    intro_eid: str = "intro",
    wrapup_eid: str = "wrapup",
    taken: set[str] | None = None,
) -> tuple[tuple[Clause, ...], list[tuple[Para, str]]]:
    """The clause tree of a run of paragraphs, and each paragraph's clause eId.

    Unnumbered paragraphs belong to the clause above them; those before the first number form
    the ``intro``; a closing formula (本通知自…, 特此…) after numbered clauses that already have
    text starts the ``wrapup``. eIds are unique: a repeat gets ``-2``, ``-3``.
    """
    used = taken if taken is not None else set()
    roots: list[_Node] = []
    stack: list[_Node] = []
    placed: list[tuple[Para, str]] = []
    intro: _Node | None = None
    wrapup: _Node | None = None

    def unique(eid: str) -> str:
        candidate, n = eid, 1
        while candidate in used:
            n += 1
            candidate = f"{eid}-{n}"
        used.add(candidate)
        return candidate

    wrapup_open = False
    for para in paras:
        found = heading_match(para.text)
        if found is not None:
            kind, match = found
            step, rank = _suffix(kind, match.group(1))
            while stack and stack[-1].rank >= rank:
                stack.pop()
            parent = stack[-1] if stack else None
            base = parent
            if kind == "dsec":
                # a dotted number carries its own path (4.2.1 → sec_4__subsec_2__subsec_1)
                while base is not None and base.kind in ("sec", "subsec"):
                    base = next((n for n in reversed(stack) if n.rank < base.rank), None)
            eid = unique(f"{base.eid}__{step}" if base else step)
            heading, text = split_heading(para.text[match.end() :])
            node_kind = kind
            if kind == "dsec":
                node_kind = "subsec" if "subsec" in step else "sec"
            elif kind == "sect":
                node_kind = "sec"
            node = _Node(
                eid=eid,
                kind=node_kind,
                num=match.group(0).strip(),
                heading=heading,
                rank=rank,
                texts=[text] if text else [],
                inline=bool(text),
                raw_heading=para.text[match.end() :].strip() if heading and not text else None,
                line_start=para.line_start,
                line_end=para.line_end,
            )
            (parent.children if parent else roots).append(node)
            stack.append(node)
            placed.append((para, eid))
            wrapup_open = False
            continue
        target: _Node
        if wrapup_open and wrapup is not None:
            target = wrapup
        elif stack:
            if _CLOSING.match(para.text) and stack[-1].texts and wrapup is None:
                wrapup = _Node(
                    unique(wrapup_eid), "wrapup", None, None, 0, line_start=para.line_start
                )
                wrapup_open = True
                target = wrapup
            else:
                target = stack[-1]
        else:
            if intro is None:
                intro = _Node(unique(intro_eid), "intro", None, None, 0, line_start=para.line_start)
            target = intro
        target.texts.append(para.text)
        target.line_end = para.line_end
        placed.append((para, target.eid))
    nodes = ([intro] if intro else []) + roots + ([wrapup] if wrapup else [])
    _unsplit_broken_headings(roots)
    _close_ranges(nodes)
    return tuple(node.freeze() for node in nodes), placed


def _unsplit_broken_headings(nodes: list[_Node]) -> None:
    """A "heading" among sentence siblings is a sentence the layout broke: (4) 向…生活必 / 需品…。

    When most numbered siblings are sentences (no heading) and one has a bare heading, no children,
    and text following it, the heading and its first text are one sentence.
    """
    for node in nodes:
        _unsplit_broken_headings(node.children)
    numbered = [n for n in nodes if n.num is not None]
    sentences = sum(1 for n in numbered if n.heading is None)
    if len(numbered) < 3 or sentences * 2 <= len(numbered):
        return
    for node in numbered:
        if node.heading is not None and not node.inline and node.texts and not node.children:
            first = node.texts[0]
            if not ends_terminal(node.heading) and heading_match(first) is None:
                raw = node.raw_heading or node.heading
                node.texts[0] = raw + first
                node.heading = None


def _close_ranges(nodes: list[_Node]) -> None:
    """A clause's line range covers its children."""
    for node in nodes:
        _close_ranges(node.children)
        if node.children:
            node.line_end = max(node.line_end, node.children[-1].line_end)
