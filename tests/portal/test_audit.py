import threading

import pytest
from click.testing import CliRunner
from django.db import connection, transaction

from portal.audit import anchor
from portal.audit.chain import verify
from portal.audit.models import AppendOnlyError, AuditEntry
from portal.audit.selectors import audit_chain_verify, stored_entries
from portal.audit.services import audit_record
from portal.cli import cli

pytestmark = pytest.mark.django_db


def write_entries(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=None, action="test.write", object_type="t", object_id=str(i), after={"i": i}
            )


def test_a_service_write_leaves_a_chained_entry(unit):
    department = unit()
    entry = AuditEntry.objects.get(action="department.create")
    assert entry.object_id == str(department.pk)
    assert entry.after["name"] == "区应急管理局"
    assert entry.before is None
    assert audit_chain_verify().ok


def test_a_clean_chain_verifies(unit):
    write_entries(5)
    report = audit_chain_verify()
    assert report.ok
    assert report.checked == 5


def test_an_entry_edited_in_the_database_is_named():
    write_entries(5)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET after = %s WHERE seq = 3", ['{"i": 99}'])
    report = audit_chain_verify()
    assert not report.ok
    assert report.problem is not None
    assert report.problem.seq == 3
    assert "修改" in report.problem.reason


def test_an_entry_removed_from_the_middle_is_named():
    write_entries(5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 2")
    report = audit_chain_verify()
    assert report.problem is not None
    assert report.problem.seq == 2


def test_the_last_entry_removed_is_noticed():
    write_entries(4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 4")
    report = audit_chain_verify()
    assert report.problem is not None
    assert report.problem.seq == 4


def test_an_entry_rewritten_with_a_fresh_hash_still_breaks_the_link():
    write_entries(3)
    from portal.audit.chain import content_of, entry_hash

    row = AuditEntry.objects.get(seq=2)
    content = content_of(
        seq=2,
        at=row.at,
        actor_id=None,
        actor_name=row.actor_name,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        object_repr=row.object_repr,
        before=None,
        after={"i": 42},
        prev_hash=row.prev_hash,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET after = %s, hash = %s WHERE seq = 2",
            ['{"i": 42}', entry_hash(content)],
        )
    report = audit_chain_verify()
    assert report.problem is not None
    assert report.problem.seq == 2  # its MAC no longer matches: the rewritten entry itself
    assert "MAC" in report.problem.reason
    # Checked by hashes only (the key lost), entry 3 still points at the old hash of entry 2.
    unkeyed = verify(stored_entries(), head_seq=3, head_hash=AuditEntry.objects.get(seq=3).hash)
    assert unkeyed.problem is not None
    assert unkeyed.problem.seq == 3


def test_the_orm_refuses_to_change_or_delete_entries():
    write_entries(1)
    entry = AuditEntry.objects.get()
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="x")


def test_audit_verify_command_reports_clean_then_names_the_altered_entry():
    write_entries(3)
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify"])
    assert ok.exit_code == 0
    assert "审计链完整" in ok.output
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'forged' WHERE seq = 2")
    broken = runner.invoke(cli, ["audit", "verify", "--json"])
    assert broken.exit_code == 1
    assert '"first_bad_seq": 2' in broken.output


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_never_fork_the_chain():
    assert connection.vendor == "postgresql"
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    audit_record(actor=None, action="race", object_type="t", object_id=f"{k}-{i}")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.count() == 90
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 91))
    report = audit_chain_verify()
    assert report.ok
    assert report.keyed == 90
    # The head file, written after each commit by whichever thread, ends at the last entry.
    assert report.warnings == ()
    assert anchor.read_anchor()[0].seq == 90
