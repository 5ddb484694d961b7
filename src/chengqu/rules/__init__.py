"""Rule tables: the numbers the gazette fixes, as TOML data, each value citing its clause.

A table has a ``[document]`` section (``number``, ``title``, ``effective``, optional ``expires``)
and values written as strings so they become exact Decimals. Modules read their tables through
:func:`load_table`; nothing here knows what a table means.
"""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

from chengqu.common.decision import Citation
from chengqu.common.errors import DomainError


@cache
def load_table(name: str) -> dict[str, Any]:
    """The parsed rule table ``chengqu/rules/<name>.toml``; its ``[document]`` is checked."""
    resource = resources.files(__name__).joinpath(f"{name}.toml")
    if not resource.is_file():
        raise DomainError("rules.missing", f"规则表不存在: {name}")
    table = tomllib.loads(resource.read_text(encoding="utf-8"))
    document = table.get("document")
    if name != "calendar":
        if (
            not isinstance(document, dict)
            or not {"number", "title", "effective"} <= document.keys()
        ):
            raise DomainError(
                "rules.document", f"规则表 {name} 缺少 [document] 的 number/title/effective"
            )
        if not isinstance(document["effective"], date):
            raise DomainError("rules.document", f"规则表 {name} 的 effective 必须是日期")
    return table


def dec(value: object, *, where: str = "") -> Decimal:
    """A rule value as an exact Decimal; rule tables write numbers as strings."""
    if isinstance(value, float):
        raise DomainError("rules.float", f"规则表数值必须写成字符串以保持精确: {where} = {value}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise DomainError("rules.value", f"规则表数值无效: {where} = {value!r}") from None


def cite(table: dict[str, Any], entry: dict[str, Any]) -> Citation:
    """The citation of one entry of a table: its document number, ``clause`` and ``text``."""
    return Citation(
        document=str(table["document"]["number"]),
        clause=str(entry["clause"]),
        text=str(entry.get("text", "")),
    )
