"""The keyed audit chain: what the MAC and the head file cost.

- one transaction recording N entries (a batch): entries/s, the head file written once;
- T separate transactions of one entry each (interactive writes): each commit also replaces the
  head file (temporary file, rename): ms per transaction;
- `audit verify` over the whole chain, with the key and without it: entries/s;
- `audit rekey` of a chain from before the key (its MACs removed): entries/s;
- the MAC alone against the hash alone, per entry (the marginal cost of the key).

A fresh SQLite database in a temporary directory. Prints figures; asserts nothing.

Run: .venv/bin/python bench/audit_chain.py [--entries 5000] [--transactions 300]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def _setup(data_dir: str) -> None:
    os.environ["CHENGQU_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("CHENGQU_AUDIT_KEY", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--transactions", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        _setup(data_dir)
        from django.db import connection, transaction

        from portal.audit import anchor
        from portal.audit.chain import entry_hash, entry_mac
        from portal.audit.selectors import audit_chain_verify, stored_entries
        from portal.audit.services import audit_chain_seal, audit_record

        after = {"name": "区应急管理局", "amount": "1234.50", "note": "x" * 200}
        start = time.perf_counter()
        with transaction.atomic():
            for i in range(args.entries):
                audit_record(
                    actor=None, action="bench.batch", object_type="t", object_id=str(i), after=after
                )
        batch = time.perf_counter() - start
        print(
            f"batch: {args.entries} entries in one transaction: {batch:.2f} s "
            f"({args.entries / batch:,.0f} entries/s), head file seq {anchor.read_anchor()[0].seq}"
        )

        start = time.perf_counter()
        for i in range(args.transactions):
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action="bench.single",
                    object_type="t",
                    object_id=str(i),
                    after=after,
                )
        single = time.perf_counter() - start
        print(
            f"single: {args.transactions} transactions of one entry: {single / args.transactions * 1000:.2f} ms each "
            "(including the head file's rename)"
        )

        total = args.entries + args.transactions
        start = time.perf_counter()
        report = audit_chain_verify()
        keyed = time.perf_counter() - start
        print(
            f"verify with the key: {report.checked} entries ({report.keyed} by MAC) in {keyed:.2f} s "
            f"({report.checked / keyed:,.0f} entries/s), ok={report.ok}"
        )
        anchor._keys.clear()
        key_file = anchor.key_file()
        key_file.rename(key_file.with_suffix(".away"))
        start = time.perf_counter()
        report = audit_chain_verify()
        unkeyed = time.perf_counter() - start
        print(
            f"verify without the key: {report.checked} entries in {unkeyed:.2f} s "
            f"({report.checked / unkeyed:,.0f} entries/s), ok={report.ok}"
        )
        key_file.with_suffix(".away").rename(key_file)

        contents = [e.content for e in stored_entries()]
        key = anchor.load_key()
        assert key is not None
        start = time.perf_counter()
        for content in contents:
            entry_hash(content)
        hashed = time.perf_counter() - start
        start = time.perf_counter()
        for content in contents:
            entry_mac(key, content)
        maced = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(args.transactions):
            anchor.write_json_private(
                anchor.head_file(), anchor.read_anchor()[0].as_json(), durable=False
            )
        head_write = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(args.transactions):
            anchor.write_json_private(
                anchor.head_file(), anchor.read_anchor()[0].as_json(), durable=True
            )
        head_fsync = time.perf_counter() - start
        print(
            f"per entry: hash {hashed / len(contents) * 1e6:.1f} µs, MAC {maced / len(contents) * 1e6:.1f} µs; "
            f"head file replaced: {head_write / args.transactions * 1000:.2f} ms "
            f"({head_fsync / args.transactions * 1000:.2f} ms with fsync, not used after each commit)"
        )

        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET mac = ''")
            cursor.execute("UPDATE audit_audithead SET mac = '', keyed_from = 0")
        anchor.head_file().unlink()
        start = time.perf_counter()
        sealed = audit_chain_seal()
        rekey = time.perf_counter() - start
        print(
            f"rekey: {sealed.sealed} entries sealed in {rekey:.2f} s ({sealed.sealed / rekey:,.0f} entries/s); "
            f"chain now {total + 1} entries, verify ok={audit_chain_verify().ok}"
        )


if __name__ == "__main__":
    main()
