"""Canonical content and hashing of audit entries, and verification of the chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64


def to_json_value(value: Any) -> Any:
    """The JSON-native form a value takes in the database (Decimal and dates become strings).

    Stored values and hashed values must be the same, so everything is normalised first.
    """
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_of(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> dict[str, Any]:
    return {
        "seq": seq,
        # Microseconds in UTC: both SQLite and PostgreSQL keep them exactly.
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }


def entry_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Problem:
    seq: int
    reason: str

    def message(self) -> str:
        return f"审计链在第 {self.seq} 条处断开: {self.reason}"


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """What verification needs of a row, independent of the ORM."""

    content: dict[str, Any]
    hash: str

    @property
    def seq(self) -> int:
        return int(self.content["seq"])


def verify(entries: Iterable[StoredEntry], *, head_seq: int, head_hash: str) -> ChainReport:
    """Walk entries in sequence order and report the first one altered, removed or out of place."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainReport(checked, Problem(expected_seq, "该条记录缺失(被删除)"))
        if entry.content["prev_hash"] != expected_prev:
            return ChainReport(checked, Problem(entry.seq, "前一条哈希不符(链接被篡改)"))
        if entry_hash(entry.content) != entry.hash:
            return ChainReport(checked, Problem(entry.seq, "内容与哈希不符(记录被修改)"))
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    if checked < head_seq:
        return ChainReport(checked, Problem(checked + 1, f"链头记录共 {head_seq} 条, 实际只有 {checked} 条(末尾记录被删除)"))
    if checked > head_seq:
        return ChainReport(checked, Problem(head_seq + 1, "该条记录不在链头登记的范围内(链头被改动)"))
    if checked and expected_prev != head_hash:
        return ChainReport(checked, Problem(checked, "与链头登记的哈希不符(末尾记录被替换)"))
    return ChainReport(checked, None)
