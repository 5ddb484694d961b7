"""Canonical content, hash and MAC of audit entries, and verification of the chain.

Two layers protect an entry. Its ``hash`` is the SHA-256 of its canonical content, which contains
the previous entry's hash: an edited or removed entry breaks this chain, and anyone can check it.
Its ``mac`` is an HMAC-SHA256 of the same content under the audit key, which does not live in the
database: whoever can write the database but not read the key can recompute every hash, but not
a single MAC. The head (last seq, hash and MAC) is also kept outside the database (the head file),
so that a removed tail is noticed too. docs/decisions.md, "A keyed audit chain".
"""

from __future__ import annotations

import hashlib
import hmac
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


def entry_mac(key: bytes, content: dict[str, Any]) -> str:
    return hmac.new(key, canonical(content).encode("utf-8"), hashlib.sha256).hexdigest()


def entry_digests(key: bytes | None, content: dict[str, Any]) -> tuple[str, str]:
    """(hash, MAC) of one entry, the canonical form built once; MAC "" without a key."""
    data = canonical(content).encode("utf-8")
    mac = hmac.new(key, data, hashlib.sha256).hexdigest() if key is not None else ""
    return hashlib.sha256(data).hexdigest(), mac


def key_id(key: bytes) -> str:
    """A short public name of a key, to tell "wrong key" from "rewritten entries"."""
    return hmac.new(key, b"chengqu audit key id", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Anchor:
    """The head as recorded outside the database: in the head file or a backup's metadata."""

    seq: int
    hash: str
    mac: str
    key_id: str
    # The first entry that carries a MAC (1 once the chain is sealed; 0: none yet). Kept at its
    # lowest value ever written, so that MACs stripped in the database are noticed.
    keyed_from: int

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "hash": self.hash,
            "mac": self.mac,
            "key_id": self.key_id,
            "keyed_from": self.keyed_from,
        }

    @classmethod
    def from_json(cls, data: Any) -> Anchor:
        """Raises ValueError for anything that is not a head record."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        try:
            anchor = cls(
                seq=int(data["seq"]),
                hash=str(data["hash"]),
                mac=str(data["mac"]),
                key_id=str(data["key_id"]),
                keyed_from=int(data["keyed_from"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(str(exc)) from exc
        if anchor.seq < 0 or anchor.keyed_from < 0:
            raise ValueError("negative sequence number")
        return anchor


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
    # What the check could not prove, though nothing is known to be wrong (in Chinese, shown).
    warnings: tuple[str, ...] = ()
    # How many entries were checked with the key (their MAC); the others only by their hash.
    keyed: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """What verification needs of a row, independent of the ORM."""

    content: dict[str, Any]
    hash: str
    mac: str = ""

    @property
    def seq(self) -> int:
        return int(self.content["seq"])


def verify(
    entries: Iterable[StoredEntry],
    *,
    head_seq: int,
    head_hash: str,
    key: bytes | None = None,
    anchor: Anchor | None = None,
    anchor_note: str | None = None,
    expect_anchor: bool = True,
) -> ChainReport:
    """Walk entries in sequence order and report the first one altered, removed or out of place.

    ``head_seq``/``head_hash`` are the database's own head row; ``key`` checks each entry's MAC;
    ``anchor`` is the head file (``anchor_note`` says why there is none, if it could not be read;
    ``expect_anchor=False``: none is expected, no warning).
    """
    if key is not None and anchor is not None and anchor.key_id and anchor.key_id != key_id(key):
        first = max(anchor.keyed_from, 1)
        return ChainReport(
            0,
            Problem(
                first,
                (
                    f"当前审计密钥 (标识 {key_id(key)}) 不是写入这些记录时的密钥 (链头文件登记 {anchor.key_id}); "
                    "请找回原密钥 (audit_key 文件或 CHENGQU_AUDIT_KEY)"
                ),
            ),
        )
    keyed_from = anchor.keyed_from if anchor is not None and anchor.keyed_from > 0 else 0
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    keyed = 0
    unsealed = 0  # entries before the first MAC: written before the key existed
    seen_mac = False
    at_anchor: StoredEntry | None = None
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainReport(checked, Problem(expected_seq, "该条记录缺失(被删除)"), keyed=keyed)
        if entry.content["prev_hash"] != expected_prev:
            return ChainReport(
                checked, Problem(entry.seq, "前一条哈希不符(链接被篡改)"), keyed=keyed
            )
        digest, mac = entry_digests(key if entry.mac else None, entry.content)
        if digest != entry.hash:
            return ChainReport(
                checked, Problem(entry.seq, "内容与哈希不符(记录被修改)"), keyed=keyed
            )
        if entry.mac:
            seen_mac = True
            if key is not None:
                if not hmac.compare_digest(mac, entry.mac):
                    return ChainReport(
                        checked,
                        Problem(
                            entry.seq,
                            ("MAC 不符: 该条记录被改写并重算了哈希 (或所用密钥不是写入时的密钥)"),
                        ),
                        keyed=keyed,
                    )
                keyed += 1
        elif seen_mac or (keyed_from and entry.seq >= keyed_from):
            return ChainReport(
                checked, Problem(entry.seq, "缺少 MAC: 该条记录被改写 (MAC 被去掉)"), keyed=keyed
            )
        else:
            unsealed += 1
        if anchor is not None and entry.seq == anchor.seq:
            at_anchor = entry
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    if checked < head_seq:
        return ChainReport(
            checked,
            Problem(
                checked + 1, f"链头记录共 {head_seq} 条, 实际只有 {checked} 条(末尾记录被删除)"
            ),
            keyed=keyed,
        )
    if checked > head_seq:
        return ChainReport(
            checked, Problem(head_seq + 1, "该条记录不在链头登记的范围内(链头被改动)"), keyed=keyed
        )
    if checked and expected_prev != head_hash:
        return ChainReport(
            checked, Problem(checked, "与链头登记的哈希不符(末尾记录被替换)"), keyed=keyed
        )

    warnings: list[str] = []
    if anchor is not None:
        if anchor.seq > checked:
            return ChainReport(
                checked,
                Problem(
                    checked + 1,
                    (f"链头文件登记共 {anchor.seq} 条, 数据库只有 {checked} 条(末尾记录被删除)"),
                ),
                keyed=keyed,
            )
        if at_anchor is not None and (
            at_anchor.hash != anchor.hash or (anchor.mac and at_anchor.mac != anchor.mac)
        ):
            return ChainReport(
                checked,
                Problem(
                    anchor.seq, ("与链头文件登记的哈希不符(该条及之前的记录被改写, 或数据库被替换)")
                ),
                keyed=keyed,
            )
        if anchor.seq < checked:
            lag = f"链头文件落后数据库 {checked - anchor.seq} 条 (第 {anchor.seq + 1}–{checked} 条, 通常是写入后未及更新)"
            warnings.append(
                lag
                + ("; 这些记录已用密钥校验" if key is not None else "; 无密钥, 这些记录未能确认")
            )
    elif checked and expect_anchor:
        warnings.append(anchor_note or "未找到链头文件 (audit_head): 无法发现末尾记录被删除")
    if key is None and checked:
        warnings.append(
            "未找到审计密钥: 只做了无密钥校验, 能发现单条修改, 不能发现重算全部哈希的改写"
        )
    if unsealed:
        warnings.append(
            f"第 1–{unsealed} 条写于启用密钥之前, 尚无 MAC, 只做了无密钥校验; "
            "请运行 chengqu audit rekey 封存"
        )
    return ChainReport(checked, None, tuple(warnings), keyed)
