"""Enterprise rows from an uploaded csv/xlsx: field names or their Chinese labels as headers.

List fields are separated by ``;`` (``；`` too): store areas ``80;150``; tour groups either as a
JSON list or as ``人数,晚数,景区数,是否入住城区酒店`` items, e.g. ``120,2,2,是;150,1,3,是``.
A cell that cannot be read is left as written, so the engine reports it as that row's error.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from chengqu.common import DomainError
from chengqu.incentives import default_rules
from chengqu.incentives.facts import TRAVEL_GROUP_KEYS
from portal.core.tables import read_table

ID_HEADERS = ("企业标识", "统一社会信用代码", "编号", "企业编号")
NAME_HEADERS = ("企业名称", "名称", "企业")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class EnterpriseRows:
    """Rows ready for ``evaluate_many``, each with its line in the file and its name if given."""

    rows: list[dict[str, Any]]
    lines: list[int]
    names: list[str]


def header_aliases() -> dict[str, str]:
    """Chinese header → field name: each fact's label (as in the calculator), the id and the name."""
    aliases = {spec.label: name for name, spec in default_rules().facts.items()}
    aliases.update(dict.fromkeys(ID_HEADERS, "id"))
    aliases.update(dict.fromkeys(NAME_HEADERS, "name"))
    return aliases


def _travel_groups(cell: str) -> object:
    text = cell.strip()
    if text.startswith("["):
        try:
            return json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError:
            return cell
    groups = []
    for item in text.replace("；", ";").split(";"):
        parts = [p.strip() for p in item.replace("，", ",").split(",")]
        if not any(parts):
            continue
        if len(parts) != len(TRAVEL_GROUP_KEYS):
            return cell
        groups.append(dict(zip(TRAVEL_GROUP_KEYS, parts, strict=True)))
    return groups


def enterprise_rows(path: Path) -> EnterpriseRows:
    """Read a .csv/.xlsx; a file-level problem (format, header) raises DomainError for the whole file."""
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    names: list[str] = []
    facts = default_rules().facts
    list_fields = [name for name, spec in facts.items() if spec.kind == "area_list"]
    table = read_table(path, aliases=header_aliases())
    columns = {key for row in table for key in row.values}
    if columns and not columns & {*facts, "id", "name"}:
        # Not one column is an enterprise or a figure the rules know: the wrong file, not bad rows.
        shown = "、".join(sorted(columns)[:8])
        raise DomainError(
            "incentives.header",
            f"{path.name} 没有可识别的列 (表头为 {shown}); 请以企业标识、企业名称和计算器中的指标名称作表头",
            field="file",
        )
    for row in table:
        values = dict(row.values)
        name = values.pop("name", None)
        name_text = str(name).strip() if name is not None else ""
        if values.get("id") is None and name_text:
            values["id"] = (
                name_text  # a list keyed by name only: the name identifies the enterprise
            )
        if isinstance(values.get("id"), Decimal):
            values["id"] = format(
                values["id"], "f"
            )  # a numeric id read from xlsx: 1001, not 1001.0
        for field in list_fields:
            if isinstance(values.get(field), Decimal | int):
                values[field] = [values[field]]  # one store: a numeric cell, not a list
        groups = values.get("travel_groups")
        if isinstance(groups, str):
            values["travel_groups"] = _travel_groups(groups)
        rows.append(values)
        lines.append(row.line)
        names.append(name_text)
    return EnterpriseRows(rows, lines, names)


def enterprise_rows_from_bytes(file_name: str, data: bytes) -> EnterpriseRows:
    """The same from an upload's bytes (the reader works on files: a temporary copy is read)."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise DomainError(
            "incentives.file",
            f"不支持的文件格式 {suffix or '(无扩展名)'}: 请上传 .csv 或 .xlsx",
            field="file",
        )
    if not data:
        raise DomainError("incentives.file", f"{file_name} 是空文件", field="file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError("incentives.file", "文件超过 50MB, 请分批上传", field="file")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return enterprise_rows(path)
        except DomainError as error:
            # Name the file the user uploaded, not the temporary copy.
            raise DomainError(
                error.code, error.message.replace(path.name, file_name), field="file"
            ) from None
