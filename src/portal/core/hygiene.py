"""Input hygiene: one validator for invisible control characters, one bound for lengths.

Text that reaches the platform from a person (a form, a query string, an uploaded file's name, a
JSON body) may not hold control characters: NUL cannot be stored by PostgreSQL at all, and the
other C0/C1 characters, U+FFFE/U+FFFF and lone surrogates cannot be written to .xlsx/.docx and
break the exports people rely on. Tab, line feed and carriage return are ordinary text.

:func:`check_text` refuses such a value with a message that names the field and the character;
:class:`portal.core.middleware.InputHygieneMiddleware` applies it once, at the edge, to everything a
request carries. :func:`bounded_text` and :func:`check_lengths` turn a value longer than its model
field allows into a clear error (on PostgreSQL it would be a 500 DataError, on SQLite silently kept).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models

from chengqu.common import DomainError

CONTROL_CODE = "input.control_character"
TOO_LONG_CODE = "input.too_long"

# C0 controls except \t \n \r, DEL and the C1 controls, the two noncharacters that no XML may
# hold, and UTF-16 surrogates (which a well-formed str never holds alone).
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")

# Labels for input names that no model field carries (or carries under another meaning).
_COMMON_LABELS = {
    "q": "搜索词",
    "username": "用户名",
    "password": "密码",
    "csrfmiddlewaretoken": "表单令牌",
    "next": "跳转地址",
    "action": "操作",
    "op": "操作",
    "text": "内容",
    "note": "备注",
    "file": "文件",
    "upload": "文件",
}

# Apps whose own writers bound what they store (the audit log truncates its representations).
_UNGUARDED_APPS = frozenset({"audit"})


def find_control_character(value: str) -> tuple[int, str] | None:
    """The first refused character of ``value`` and its 0-based index, or None when clean."""
    found = _REFUSED.search(value)
    return (found.start(), found.group()) if found else None


def printable(text: str) -> str:
    """``text`` with each refused character written as ``U+0001``: a field name fit to show."""
    return _REFUSED.sub(lambda m: describe(m.group()), text)


def describe(char: str) -> str:
    """``U+0001``: how the message names a character people cannot see."""
    return f"U+{ord(char):04X}"


def control_character_error(
    value: str, *, field: str, label: str | None = None, what: str = ""
) -> DomainError | None:
    """The error :func:`check_text` would raise, or None when ``value`` is clean.

    ``what`` qualifies the field in the message (``的文件名`` for an uploaded file's name).
    """
    found = find_control_character(value)
    if found is None:
        return None
    index, char = found
    field = printable(field)
    name = printable(label) if label else field_label(field)
    return DomainError(
        CONTROL_CODE,
        f"「{name}」{what}含有不可见的控制字符 {describe(char)}(第 {index + 1} 个字符), 请删除后重新提交",
        field=field,
    )


def check_text(value: str, *, field: str, label: str | None = None) -> str:
    """Return ``value`` unchanged, or raise ``input.control_character`` naming field and character."""
    error = control_character_error(value, field=field, label=label)
    if error is not None:
        raise error
    return value


# What a JSON text must contain for a string of it to hold a refused character: the character
# itself, or its \u escape (a surrogate's too, so that pairs go the careful way and pass). Text
# without either needs no parse: the usual body is passed at the speed of one scan.
_SUSPECT_JSON = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]"
    r"|\\u(?:00[01][0-9a-f]|007f|00[89][0-9a-f]|fff[ef]|d[89a-f][0-9a-f]{2})",
    re.IGNORECASE,
)


def json_may_hold_refused(text: str) -> bool:
    """Whether a JSON text may hold a refused character (False: it certainly does not)."""
    return _SUSPECT_JSON.search(text) is not None


def check_tree(data: Any) -> None:
    """Check every key and string of parsed JSON; the error's field is the dotted path."""
    found = refused_in_json(data)
    if found is not None:
        check_text(found[1], field=found[0] or "body")


def refused_in_json(data: Any) -> tuple[str, str] | None:
    """(dotted path, text) of the first key or string of parsed JSON holding a refused character.

    Iterative (a deeply nested body cannot exhaust the recursion limit); a path is spelled out
    only for the text found, so a clean body costs one visit per value.
    """
    # Each entry: (node, value), a node being (parent node, key) or None for the root.
    stack: list[tuple[Any, Any]] = [(None, data)]
    while stack:
        node, item = stack.pop()
        if isinstance(item, str):
            if _REFUSED.search(item):
                return _path(node), item
        elif isinstance(item, dict):
            children = []
            for key, value in item.items():
                child = (node, key)
                if isinstance(key, str) and _REFUSED.search(key):
                    return _path(child), key
                children.append((child, value))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([((node, index), value) for index, value in enumerate(item)]))
    return None


def _path(node: Any) -> str:
    parts = []
    while node is not None:
        node, key = node
        parts.append(str(key))
    return ".".join(reversed(parts))


# In UTF-8 and in GB18030 a byte below 0x20 or 0x7F is always that ASCII character (no multi-byte
# sequence uses one), so a .csv can be checked before decoding, at the speed of one scan.
# (A byte table and bytes.translate: five times faster than a regular expression's class.)
_CSV_TABLE = bytes(1 if (b < 0x20 and b not in b"\t\n\r") or b == 0x7F else 0 for b in range(256))


def check_csv_bytes(data: bytes, *, file_name: str, field: str = "file") -> None:
    """Refuse a .csv (UTF-8 or GB18030) holding a control character, naming its line."""
    at = data.translate(_CSV_TABLE).find(1)
    if at < 0:
        return
    line = data.count(b"\n", 0, at) + 1
    raise DomainError(
        CONTROL_CODE,
        f"{file_name} 第 {line} 行含有不可见的控制字符 {describe(chr(data[at]))}, 请删除后重新上传"
        "(若文件由其他系统导出, 请另存为「CSV UTF-8」后再上传)",
        field=field,
    )


def bounded_text(value: str, *, field: str, max_length: int, label: str | None = None) -> str:
    """Return ``value`` unchanged, or raise ``input.too_long`` when it exceeds ``max_length``."""
    if len(value) > max_length:
        name = label or field_label(field)
        raise DomainError(
            TOO_LONG_CODE,
            f"「{name}」最多 {max_length} 个字符, 现在有 {len(value)} 个, 请删减后重新提交",
            field=field,
        )
    return value


def model_max_length(model: type[models.Model], name: str) -> int:
    """The ``max_length`` of a model's CharField, for :func:`bounded_text`."""
    model_field = model._meta.get_field(name)
    length = model_field.max_length if isinstance(model_field, models.Field) else None
    if length is None:
        raise ValueError(f"{model.__name__}.{name} has no max_length")
    return int(length)


def model_text(
    model: type[models.Model],
    name: str,
    value: str,
    *,
    field: str | None = None,
    label: str | None = None,
) -> str:
    """``value`` checked for a model's text field: no control character, no more than its ``max_length``.

    For text that arrives other than through a request (a spreadsheet row): the field's
    ``verbose_name`` (or ``label``, a column's heading) names it in the message; ``field``
    overrides the name the error carries.
    """
    model_field = model._meta.get_field(name)
    label = label or str(getattr(model_field, "verbose_name", "") or name)
    check_text(value, field=field or name, label=label)
    length = getattr(model_field, "max_length", None)
    if length and isinstance(model_field, models.CharField):
        bounded_text(value, field=field or name, max_length=int(length), label=label)
    return value


def check_lengths(instance: models.Model) -> None:
    """Refuse a model instance whose text exceeds its CharFields' ``max_length`` (``input.too_long``).

    Connected to ``pre_save`` of the portal's models (see ``CoreConfig.ready``), so that every
    service that saves user text answers a clear error instead of a database error; the service's
    transaction is rolled back with it, so nothing is half-written.
    """
    for model_field in instance._meta.concrete_fields:
        length = getattr(model_field, "max_length", None)
        if not length or not isinstance(model_field, models.CharField):
            continue
        value = getattr(instance, model_field.attname, None)
        if isinstance(value, str) and len(value) > length:
            bounded_text(
                value,
                field=model_field.name,
                max_length=length,
                label=str(model_field.verbose_name),
            )


def guard_lengths(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any
) -> None:
    """The ``pre_save`` receiver: :func:`check_lengths` for the portal's own models."""
    if raw:  # fixtures load as they are
        return
    meta = sender._meta
    if (
        not meta.app_config
        or not meta.app_config.name.startswith("portal.")
        or meta.app_label in _UNGUARDED_APPS
    ):
        return
    check_lengths(instance)


def field_label(field: str, *, app_label: str | None = None) -> str:
    """A Chinese label for an input name: a model field's verbose name, else the name itself.

    ``field`` may be a dotted JSON path (``items.0.place``): its last named part is looked up.
    A model of ``app_label`` (the app whose view answers) is preferred over the other apps'.
    """
    parts = [p for p in field.split(".") if p and not p.isdigit()]
    name = parts[-1] if parts else field
    if name.startswith("fact_"):
        name = name[len("fact_") :]
    labels = _labels()
    if app_label and (app_label, name) in labels:
        return labels[(app_label, name)]
    return _COMMON_LABELS.get(name) or labels.get(("", name)) or name


@cache
def _labels() -> dict[tuple[str, str], str]:
    """(app label, field name) → verbose name, and ("", field name) → the first app's."""
    out: dict[tuple[str, str], str] = {}
    for model in apps.get_models():
        config = model._meta.app_config
        if config is None or not config.name.startswith("portal."):
            continue
        for model_field in model._meta.get_fields():
            verbose = getattr(model_field, "verbose_name", None)
            if not verbose or not isinstance(model_field, models.Field):
                continue
            text = str(verbose)
            if text == model_field.name.replace("_", " "):  # Django's default: no label given
                continue
            for key in ((model._meta.app_label, model_field.name), ("", model_field.name)):
                out.setdefault(key, text)
    return out
