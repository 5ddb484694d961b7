"""Bench: 100,000 synthetic enterprises through the xlsx path of the 免申即享 batch.

The same rows as bench/incentives_evaluate.py ("sector" mix, a bad row every 997), written as a
statistics export with Chinese headers and `;`-separated lists, then:

1. read (portal.incentives.uploads: openpyxl read-only, exact Decimals),
2. evaluate (chengqu.incentives.evaluate_many),
3. with --store: the portal's whole path on a fresh SQLite database in a temporary directory —
   batch_run_create (read + evaluate + store every result + audit) and the xlsx export.

Run: PYTHONPATH=src .venv/bin/python bench/incentives_xlsx.py [N] [--store]
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from chengqu.incentives import default_rules, evaluate_many

AS_OF = date(2024, 7, 15)
HERE = Path(__file__).resolve().parent


def _synthetic(n: int) -> list[dict[str, object]]:
    spec = importlib.util.spec_from_file_location(
        "incentives_evaluate", HERE / "incentives_evaluate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows: list[dict[str, object]] = module.synthetic(n, mix="sector")
    return rows


def _cell(value: object) -> object:
    """As a statistics export holds it: numbers as numeric cells, lists as text."""
    if isinstance(value, str) and ";" not in value:
        return Decimal(value)
    if isinstance(value, list):  # tour groups: "人数,晚数,景区数,是否入住城区酒店;..."
        return ";".join(
            f"{g['guests']},{g['nights']},{g['scenic_spots']},{'是' if g['district_hotel'] else '否'}"
            for g in value
        )
    return value


def write_xlsx(rows: list[dict[str, object]], path: Path) -> None:
    facts = default_rules().facts
    names = list(facts)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业数据")
    sheet.append(["统一社会信用代码", "企业名称", *[facts[name].label for name in names]])
    for row in rows:
        sheet.append([row["id"], f"企业{row['id']}", *[_cell(row.get(name)) for name in names]])
    book.save(path)


def _store(path: Path) -> None:
    os.environ["CHENGQU_DATA_DIR"] = str(path.parent / "data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from portal.accounts.roles import Role
    from portal.accounts.services import user_create
    from portal.incentives.exports import batch_workbook
    from portal.incentives.services import batch_run_create

    user = user_create(username="bench", password=None, roles=[Role.FINANCE_OFFICE])
    data = path.read_bytes()
    start = time.perf_counter()
    batch = batch_run_create(actor=user, file_name=path.name, data=data, as_of=AS_OF)
    stored = time.perf_counter() - start
    start = time.perf_counter()
    exported = batch_workbook(batch)
    export_time = time.perf_counter() - start
    print(
        f" store: batch_run_create (read + evaluate + {batch.good_count:,} rows stored + audit) {stored:.2f} s; "
        f"{batch.error_count:,} row errors; total {batch.total:,} yuan"
    )
    print(f"export: 批量测算结果.xlsx in {export_time:.2f} s ({len(exported) / 1e6:.1f} MB)")


def run(n: int, *, store: bool = False) -> None:
    rows = _synthetic(n)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "企业数据.xlsx"
        start = time.perf_counter()
        write_xlsx(rows, path)
        print(
            f"  xlsx: wrote {n:,} rows in {time.perf_counter() - start:.2f} s ({path.stat().st_size / 1e6:.1f} MB)"
        )

        from portal.incentives.uploads import enterprise_rows

        start, cpu = time.perf_counter(), time.process_time()
        table = enterprise_rows(path)
        read, read_cpu = time.perf_counter() - start, time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()
        batch = evaluate_many(table.rows, AS_OF)
        evaluated, evaluated_cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"  xlsx: read {len(table.rows):,} rows {read:.2f} s wall / {read_cpu:.2f} s CPU; "
            f"evaluate {evaluated:.2f} s wall / {evaluated_cpu:.2f} s CPU "
            f"({len(batch.results):,} evaluated, {len(batch.errors):,} row errors); "
            f"xlsx → results {read + evaluated:.2f} s wall / {read_cpu + evaluated_cpu:.2f} s CPU"
        )
        direct = evaluate_many(rows, AS_OF)
        same = direct.total == batch.total and len(direct.errors) == len(batch.errors)
        print(
            f"  xlsx: the xlsx path gives the in-memory total to the fen: {'yes' if same else 'NO'} "
            f"({batch.total:,.2f} yuan)"
        )
        if store:
            _store(path)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 100_000
    print(f"Python {sys.version.split()[0]}")
    run(n, store="--store" in sys.argv)


if __name__ == "__main__":
    main()
