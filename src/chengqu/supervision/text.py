"""Text helpers for the task lists: repairing conversion damage and reading trailing brackets."""

from __future__ import annotations

import re

__all__ = ["clean", "split_names", "split_tail", "to_halfwidth"]

_HALF = str.maketrans({"（": "(", "）": ")", "：": ":", "；": ";", "，": ",", "〔": "(", "〕": ")"})
_WS = re.compile(r"\s+")


def to_halfwidth(text: str) -> str:
    """Brackets, colons, semicolons and commas in one (half-width) form."""
    return text.translate(_HALF)


def clean(text: str) -> str:
    """Remove conversion damage: bold markers (``**``) and line or page breaks inside a run of
    Chinese text (责任领\\n\\n导:赵晋梁; 焦\\n\\n冬栋)."""
    return _WS.sub("", text.replace("**", ""))


def split_tail(text: str) -> tuple[str, str | None]:
    """(body, tail): ``tail`` is the content of the bracket that ends ``text`` (nested brackets
    such as 各镇(街道) kept), or None when the text does not end in a bracket."""
    norm = to_halfwidth(text).rstrip("。. ")
    if not norm.endswith(")"):
        return text, None
    depth = 0
    for i in range(len(norm) - 1, -1, -1):
        if norm[i] == ")":
            depth += 1
        elif norm[i] == "(":
            depth -= 1
            if depth == 0:
                return norm[:i].rstrip(), norm[i + 1 : -1]
    return text, None


def split_names(value: str) -> tuple[str, ...]:
    """The names of a list written with 、 (a collective such as 各镇(街道)镇长、主任 stays whole)."""
    value = value.strip()
    if not value:
        return ()
    if value.startswith("各"):
        return (value,)
    return tuple(part.strip() for part in value.split("、") if part.strip())
