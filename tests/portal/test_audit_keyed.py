"""The keyed audit chain: rewrites that recompute every hash, a removed tail, the key and the seal.

The attacker here can write the database (raw SQL, past the ORM's guard) and knows the project's
functions, but cannot read the audit key or write the head file, both outside the database.
"""

import json
import os
import stat

import pytest
from click.testing import CliRunner
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from chengqu.common import DomainError
from portal.accounts.roles import Role
from portal.audit import anchor
from portal.audit.chain import Anchor, content_of, entry_hash, entry_mac
from portal.audit.head import audit_key_ensure, head_file_update
from portal.audit.models import AuditEntry, AuditHead
from portal.audit.selectors import audit_chain_verify
from portal.audit.services import audit_chain_seal, audit_record
from portal.cli import cli

pytestmark = pytest.mark.django_db


def write_entries(n: int, *, sync_head_file: bool = True) -> None:
    """``n`` audited transactions; then the head file as their commits would leave it."""
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=None, action="test.write", object_type="t", object_id=str(i), after={"i": i}
            )
    if sync_head_file:
        head_file_update()  # what the on_commit callback does (the test's transaction never commits)


def rewrite_from(
    seq: int, *, after: dict, mac_key: bytes | None = None, strip_macs: bool = False
) -> None:
    """Change entry ``seq``'s ``after`` and recompute every later hash with the project's own
    functions, then the head row: a consistent chain for anyone without the key."""
    rows = list(AuditEntry.objects.filter(seq__gte=seq).order_by("seq"))
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    with connection.cursor() as cursor:
        for row in rows:
            new_after = after if row.seq == seq else row.after
            content = content_of(
                seq=row.seq,
                at=row.at,
                actor_id=row.actor_id,
                actor_name=row.actor_name,
                action=row.action,
                object_type=row.object_type,
                object_id=row.object_id,
                object_repr=row.object_repr,
                before=row.before,
                after=new_after,
                prev_hash=prev,
            )
            digest = entry_hash(content)
            mac = "" if strip_macs else entry_mac(mac_key, content) if mac_key else row.mac
            cursor.execute(
                "UPDATE audit_auditentry SET after = %s, prev_hash = %s, hash = %s, mac = %s WHERE seq = %s",
                [json.dumps(new_after), prev, digest, mac, row.seq],
            )
            prev = digest
        last_mac = "" if strip_macs else mac
        cursor.execute(
            "UPDATE audit_audithead SET hash = %s, mac = %s WHERE id = 1", [prev, last_mac]
        )
        if strip_macs:
            cursor.execute("UPDATE audit_audithead SET keyed_from = 0 WHERE id = 1")


def test_every_entry_carries_a_mac_and_the_head_file_names_the_last_one():
    write_entries(4)
    report = audit_chain_verify()
    assert report.ok
    assert report.warnings == ()
    assert report.keyed == 4
    recorded, _ = anchor.read_anchor()
    last = AuditEntry.objects.get(seq=4)
    assert recorded is not None
    assert (recorded.seq, recorded.hash, recorded.mac, recorded.keyed_from) == (
        4,
        last.hash,
        last.mac,
        1,
    )


def test_a_rewrite_that_recomputes_every_later_hash_is_named_at_the_rewritten_entry():
    write_entries(6)
    rewrite_from(3, after={"i": 999})
    report = audit_chain_verify()
    assert report.problem is not None
    assert report.problem.seq == 3
    assert "MAC" in report.problem.reason
    result = CliRunner().invoke(cli, ["audit", "verify", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["first_bad_seq"] == 3


def test_macs_recomputed_with_a_key_of_the_attackers_choosing_are_named_too():
    write_entries(6)
    rewrite_from(4, after={"i": 999}, mac_key=b"attacker-does-not-know-the-real-key-0123456789")
    report = audit_chain_verify()
    assert report.problem is not None
    assert report.problem.seq == 4


def test_macs_stripped_to_pass_the_chain_off_as_written_before_the_key_are_noticed():
    write_entries(5)
    rewrite_from(1, after={"i": 999}, strip_macs=True)
    report = audit_chain_verify()
    assert report.problem is not None
    assert report.problem.seq == 1  # the head file says MACs start at entry 1
    assert "缺少 MAC" in report.problem.reason


def test_a_removed_tail_with_the_head_row_put_back_is_noticed_through_the_head_file():
    write_entries(6)
    fourth = AuditEntry.objects.get(seq=4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq > 4")
        cursor.execute(
            "UPDATE audit_audithead SET seq = 4, hash = %s, mac = %s WHERE id = 1",
            [fourth.hash, fourth.mac],
        )
    report = audit_chain_verify()
    assert report.problem is not None
    assert report.problem.seq == 5
    assert "链头文件登记共 6 条" in report.problem.reason


def test_a_database_replaced_by_another_valid_history_is_noticed():
    # Entries 1-3, the head file at 3; then the database loses entry 3 and gets a different one.
    write_entries(3)
    second = AuditEntry.objects.get(seq=2)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 3")
        cursor.execute(
            "UPDATE audit_audithead SET seq = 2, hash = %s, mac = %s WHERE id = 1",
            [second.hash, second.mac],
        )
    with transaction.atomic():
        audit_record(actor=None, action="other.history", object_type="t", object_id="x")
    report = audit_chain_verify()
    assert report.problem is not None
    assert report.problem.seq == 3
    assert "链头文件" in report.problem.reason


def test_a_head_file_behind_the_database_is_a_warning_when_the_later_entries_verify_with_the_key():
    write_entries(3)
    write_entries(2, sync_head_file=False)  # as after a crash between commit and file write
    report = audit_chain_verify()
    assert report.ok
    assert any("落后数据库 2 条" in w and "已用密钥校验" in w for w in report.warnings)


def test_the_head_file_only_moves_forward_and_keeps_the_lowest_keyed_from():
    older = Anchor(seq=5, hash="a" * 64, mac="b" * 64, key_id="k", keyed_from=1)
    newer = Anchor(seq=7, hash="c" * 64, mac="d" * 64, key_id="k", keyed_from=4)
    assert anchor.merged(newer, older) is None  # a slower transaction's callback never puts it back
    merged = anchor.merged(older, newer)
    assert merged is not None
    assert (merged.seq, merged.keyed_from) == (7, 1)
    anchor.advance(newer)
    assert anchor.advance(older) is None
    assert anchor.read_anchor()[0] == newer
    assert stat.S_IMODE(anchor.head_file().stat().st_mode) == 0o600


def test_an_unreadable_head_file_is_said_and_not_a_crash():
    write_entries(2)
    anchor.head_file().write_text("{not json")
    report = audit_chain_verify()
    assert report.ok
    assert any("内容无法识别" in w for w in report.warnings)


@pytest.mark.django_db(transaction=True)
def test_the_head_file_is_written_after_commit_once_per_transaction_and_not_on_rollback(
    monkeypatch,
):
    writes: list[int] = []
    real = anchor.write_json_private
    monkeypatch.setattr(
        anchor,
        "write_json_private",
        lambda path, data, **kw: (writes.append(data["seq"]), real(path, data, **kw)),
    )
    with transaction.atomic():
        for i in range(50):
            audit_record(actor=None, action="batch.row", object_type="t", object_id=str(i))
        assert not anchor.head_file().exists()  # nothing outside the database before the commit
    assert writes == [50]

    def rolled_back() -> None:
        with transaction.atomic():
            audit_record(actor=None, action="rolled.back", object_type="t", object_id="x")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        rolled_back()
    with transaction.atomic():
        audit_record(actor=None, action="kept", object_type="t", object_id="y")
        try:
            with transaction.atomic():  # a savepoint rolled back takes its entry and nothing else
                audit_record(actor=None, action="inner", object_type="t", object_id="z")
                raise ValueError
        except ValueError:
            pass
    assert writes == [50, 51]
    assert anchor.read_anchor()[0].seq == AuditHead.objects.get().seq == 51
    assert audit_chain_verify().warnings == ()


# ------------------------------------------------------------------ the key


def test_the_key_file_is_made_0600_on_first_use_and_not_in_the_database():
    write_entries(1)
    key_file = anchor.key_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditentry")
        stored = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM audit_audithead")
        stored += repr(cursor.fetchall())
    assert key not in stored


def test_the_key_from_the_environment_is_used_and_no_file_is_made(settings):
    settings.CHENGQU_AUDIT_KEY = "k" * 40
    write_entries(2)
    assert not anchor.key_file().exists()
    assert audit_chain_verify().keyed == 2
    settings.CHENGQU_AUDIT_KEY = "m" * 40  # another key: the head file says it is not the one
    report = audit_chain_verify()
    assert report.problem is not None
    assert "不是写入这些记录时的密钥" in report.problem.reason
    settings.CHENGQU_AUDIT_KEY = "short"
    with pytest.raises(ImproperlyConfigured):
        anchor.load_key()


def test_without_the_key_the_chain_is_checked_by_its_hashes_and_no_new_key_is_made():
    write_entries(3)
    os.unlink(anchor.key_file())
    anchor._keys.clear()  # a fresh process
    report = audit_chain_verify()
    assert report.ok
    assert report.keyed == 0
    assert any("未找到审计密钥" in w for w in report.warnings)
    assert not anchor.key_file().exists()  # verifying never makes a key
    with pytest.raises(anchor.AuditKeyMissing), transaction.atomic():
        audit_record(actor=None, action="after.loss", object_type="t", object_id="x")
    assert not anchor.key_file().exists()  # nor does a write to a chain that already has MACs


# ------------------------------------------------------------------ entries from before the key


def make_legacy_chain(n: int) -> None:
    """A chain as an older version left it: SHA-256 hashes only, no MAC, no head file."""
    write_entries(n, sync_head_file=False)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET mac = ''")
        cursor.execute("UPDATE audit_audithead SET mac = '', keyed_from = 0")


def test_entries_from_before_the_key_verify_by_hash_and_rekey_seals_them_once():
    make_legacy_chain(4)
    write_entries(2)  # written by the new version: entries 5 and 6 carry MACs
    report = audit_chain_verify()
    assert report.ok
    assert report.keyed == 2
    assert any("第 1–4 条写于启用密钥之前" in w for w in report.warnings)

    result = audit_chain_seal()
    assert (result.sealed, result.first_seq, result.last_seq) == (4, 1, 4)
    assert result.entry is not None
    assert result.entry.action == "audit.seal"
    assert result.entry.after["sealed"] == 4
    head_file_update()
    report = audit_chain_verify()
    assert report.ok
    assert report.warnings == ()
    assert report.keyed == 7
    assert anchor.read_anchor()[0].keyed_from == 1

    assert audit_chain_seal().sealed == 0  # a second run changes nothing
    assert AuditEntry.objects.count() == 7

    # Sealed, the old entries are as protected as new ones.
    rewrite_from(2, after={"i": 999})
    assert audit_chain_verify().problem.seq == 2


def test_rekey_refuses_a_chain_that_is_already_broken():
    make_legacy_chain(3)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_repr = 'forged' WHERE seq = 2")
    with pytest.raises(DomainError) as refused:
        audit_chain_seal()
    assert "第 2 条" in refused.value.message
    assert not AuditEntry.objects.exclude(mac="").exists()


def test_rekey_from_the_command_line(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the command also sets the data directory's modes
    make_legacy_chain(2)
    result = CliRunner().invoke(cli, ["audit", "rekey", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"sealed": 2, "first_seq": 1, "last_seq": 2, "seal_seq": 3}


def test_an_auditor_sees_the_rewritten_entry_named_on_the_page(client, make_user, login):
    login(make_user("shenji", Role.AUDITOR))
    write_entries(4)
    assert (
        "其中 5 条用密钥校验" in client.get("/audit/?verify=1").content.decode()
    )  # and the user's own entry
    write_entries(1, sync_head_file=False)
    assert "注意: 链头文件落后数据库 1 条" in client.get("/audit/?verify=1").content.decode()
    rewrite_from(2, after={"i": 999})
    page = client.get("/audit/?verify=1").content.decode()
    assert "第 2 条" in page
    assert "MAC" in page


def test_the_platform_refuses_to_start_with_a_lost_or_different_key(settings):
    write_entries(2)
    assert audit_key_ensure() == anchor.key_file().read_text().strip().encode()
    settings.CHENGQU_AUDIT_KEY = "n" * 40
    with pytest.raises(anchor.AuditKeyMissing, match="不是写入审计链的密钥"):
        audit_key_ensure()
    settings.CHENGQU_AUDIT_KEY = ""
    os.unlink(anchor.key_file())
    anchor._keys.clear()
    with pytest.raises(anchor.AuditKeyMissing, match="请从备份恢复"):
        audit_key_ensure()
