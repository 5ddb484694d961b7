"""Where the code cites a clause: every row of every rule table that names one.

A rule table names its document once (``[document] number``); a row may name another
(``document = "城政办发〔2024〕2号"``, or a ``[documents."文号"]`` section). A row cites with
``clause`` or any key ending in ``_clause``. What the row is — the table, its path inside the
table and its label when it has one — is what the trace shows as "executed by".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from chengqu.gazette import normalise_doc_number


@dataclass(frozen=True, slots=True)
class Site:
    """One citation in a rule table: ``table`` (``air_plan``) and ``path`` (``levels[2].clause``)."""

    document: str  # the 文号 or standard number as the table writes it
    clause: str  # the clause reference as written: an eId or the printed number
    table: str
    path: str
    label: str = ""  # the row's own name (label, name, title) when it has one
    # "clause": the row executes the clause it names; "part": a module's page or workflow that
    # executes the named part with everything under it (a whole attachment, att_1)
    scope: str = "clause"

    @property
    def where(self) -> str:
        return f"{self.table}.toml {self.path}" if self.scope == "clause" else self.table


_OWN_DOCUMENT = re.compile(r"^(\S+?[〔\[(（]\d{4}[〕\])）]\d+号)\s*(.+)$")
_LABEL_KEYS = ("label", "name", "title", "measure", "key")


def _label(row: dict[str, Any]) -> str:
    for key in _LABEL_KEYS:
        value = row.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def sites_of_table(name: str, table: dict[str, Any]) -> list[Site]:
    """Every citation in one parsed rule table, in the table's order."""
    head = table.get("document")
    top = str(head["number"]) if isinstance(head, dict) and "number" in head else ""
    found: list[Site] = []

    def walk(node: Any, document: str, path: str) -> None:
        if isinstance(node, dict):
            own = node.get("document")
            if isinstance(own, str) and own:
                document = own
            for key, value in node.items():
                where = f"{path}.{key}" if path else key
                if isinstance(value, str) and (key == "clause" or key.endswith("_clause")):
                    own_number = _OWN_DOCUMENT.match(value)  # "城政办发〔2024〕1号 1.4"
                    if own_number:
                        cited, clause = own_number.group(1), own_number.group(2)
                    else:
                        cited, clause = document, value
                    if cited:
                        found.append(Site(cited, clause, name, where, _label(node)))
                elif key == "documents" and isinstance(value, dict):
                    for number, section in value.items():
                        inner = number if normalise_doc_number(number) else document
                        walk(section, inner, f"{where}.{number}")
                elif key != "document":
                    walk(value, document, where)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, document, f"{path}[{index}]")

    walk(table, top, "")
    return found


def rule_sites() -> list[Site]:
    """The citations of every bundled rule table (``chengqu/rules``) and data table
    (``chengqu/data``), tables in name order."""
    found: list[Site] = []
    for package in ("chengqu.rules", "chengqu.data"):
        for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                table = tomllib.loads(entry.read_text(encoding="utf-8"))
                found.extend(sites_of_table(entry.name.removesuffix(".toml"), table))
    return found


def document_key(text: str) -> str:
    """The registry key of a document number written in any bracket form."""
    return normalise_doc_number(text) or text.strip()
