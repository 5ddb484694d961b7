"""Benchmark: loans through the whole lifecycle (postings per second), then the monthly report
over a ledger padded to ~1,000,000 postings (goal: under 1 s on SQLite).

Runs against a fresh SQLite database in a temporary data directory (or DATABASE_URL if given).
Prints figures; asserts nothing.

    PYTHONPATH=src .venv/bin/python bench/fund_ledger.py [--loans 10000] [--postings 1000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loans", type=int, default=10000)
    parser.add_argument(
        "--postings", type=int, default=1_000_000, help="total legs to pad the ledger to"
    )
    args = parser.parse_args()
    os.environ.setdefault("CHENGQU_DATA_DIR", tempfile.mkdtemp(prefix="bench-fund-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", interactive=False, verbosity=0)
    from chengqu.fund import EntityKind, Stage, document_checklist
    from chengqu.fund.eligibility import FACT_NAMES
    from portal.accounts.roles import Role
    from portal.accounts.services import department_upsert, user_create
    from portal.fund import selectors, services
    from portal.fund.loading import load_operator
    from portal.fund.models import LedgerLeg, LedgerTransaction

    load_operator()
    from portal.fund.access import operator_unit

    ent = department_upsert(code="bench-qy", name="基准企业", kind="enterprise")[0]
    bank = department_upsert(code="bench-yh", name="基准银行", kind="bank")[0]
    pw = "Bench-password-123"
    eu = user_create(username="bench-ent", password=pw, roles=[Role.ENTERPRISE], department=ent)
    bu = user_create(username="bench-bank", password=pw, roles=[Role.BANK], department=bank)
    op = user_create(
        username="bench-op", password=pw, roles=[Role.UNIT], department=operator_unit()
    )
    services.capital_pay_in(actor=op, amount="80000000", day=date(2024, 4, 10), key="bench")
    excluded = {
        "on_closure_or_obsolete_capacity_list",
        "defaulted_on_repayment",
        "owes_fees",
        "misused_funds",
    }
    facts = {n: n not in excluded for n in FACT_NAMES}
    app_docs = [
        d.key for d in document_checklist(Stage.APPLICATION, EntityKind.ENTERPRISE) if d.required
    ]
    review_docs = [
        d.key for d in document_checklist(Stage.REVIEW, EntityKind.ENTERPRISE) if d.required
    ]
    maturity = date(2024, 10, 14)

    start = time.perf_counter()
    for i in range(args.loans):
        app = services.application_create(
            actor=eu,
            data={
                "bank": bank,
                "maturing_amount": Decimal("100000"),
                "maturity": maturity,
                "requested": Decimal("100000"),
                "industry": ("制造业", "批发零售", "建筑业")[i % 3],
            },
        )
        app = services.application_submit(actor=eu, application=app, day=date(2024, 9, 18))
        app = services.application_sign(
            actor=bu,
            application=app,
            signed_on=date(2024, 9, 20),
            opinion="同意",
            renewal_amount="100000",
            documents=app_docs,
        )
        app = services.application_review(
            actor=op, application=app, day=date(2024, 9, 26), facts=facts, documents=review_docs
        )
        app = services.application_contract(actor=op, application=app, signed_on=date(2024, 9, 27))
        app = services.application_disburse(actor=op, application=app, day=date(2024, 10, 8))
        app = services.application_renew(
            actor=bu, application=app, renewed_on=date(2024, 10, 10), amount="100000"
        )
        app = services.application_repay(
            actor=op, application=app, repaid_on=date(2024, 10, 8) + timedelta(days=1 + i % 20)
        )
    elapsed = time.perf_counter() - start
    legs = LedgerLeg.objects.count()
    txs = LedgerTransaction.objects.count()
    print(
        f"lifecycle: {args.loans} loans in {elapsed:.1f} s; {txs} transactions, {legs} postings; "
        f"{legs / elapsed:.0f} postings/s, {args.loans / elapsed:.1f} loans/s"
    )

    start = time.perf_counter()
    for i in range(2000):
        services.interest_post(actor=op, amount="0.01", day=date(2024, 11, 1), key=f"bench-{i}")
    elapsed = time.perf_counter() - start
    print(
        f"postings alone: 2000 interest transactions (4000 postings) in {elapsed:.1f} s; "
        f"{4000 / elapsed:.0f} postings/s"
    )

    # pad the ledger with balanced interest postings spread over 2024-2025, straight into the tables
    pad = max(0, args.postings - legs) // 2
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        batch = 20000
        first = date(2024, 4, 10)
        for offset in range(0, pad, batch):
            n = min(batch, pad - offset)
            rows = [
                (
                    f"pad:{offset + k}",
                    "interest",
                    (first + timedelta(days=(offset + k) % 600)).isoformat(),
                    "",
                    False,
                )
                for k in range(n)
            ]
            cur.executemany(
                "INSERT INTO fund_ledgertransaction (key, kind, day, memo, sealed, created_at) VALUES (%s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
                rows,
            )
            cur.execute(
                "SELECT id FROM fund_ledgertransaction WHERE key >= %s AND kind = 'interest' AND sealed = %s",
                ["pad:", False],
            )
            ids = [r[0] for r in cur.fetchall()]
            cur.executemany(
                "INSERT INTO fund_ledgerleg (transaction_id, account, side, amount) VALUES (%s, %s, %s, %s)",
                [
                    (tid, acc, side, "0.01")
                    for tid in ids
                    for acc, side in (("bank", "D"), ("interest_income", "C"))
                ],
            )
            cur.execute(
                "UPDATE fund_ledgertransaction SET sealed = %s WHERE sealed = %s", [True, False]
            )
        cur.execute(
            "UPDATE fund_balance SET amount = amount + %s WHERE account = 'bank'",
            [str(Decimal(pad) / 100)],
        )
        cur.execute(
            "UPDATE fund_balance SET amount = amount - %s WHERE account = 'interest_income'",
            [str(Decimal(pad) / 100)],
        )
    from portal.fund.services import daily_totals_rebuild

    rebuilt = daily_totals_rebuild()
    print(
        f"padding: {pad} transactions ({2 * pad} postings) in {time.perf_counter() - start:.1f} s; "
        f"ledger now {LedgerLeg.objects.count()} postings; daily totals rebuilt ({rebuilt} rows)"
    )

    for kind, number in (("month", 10), ("quarter", 4), ("year", 1)):
        start = time.perf_counter()
        rep = selectors.report(kind, 2024, number)
        print(
            f"report {kind} 2024/{number}: {time.perf_counter() - start:.3f} s "
            f"(loans {rep.total.loans}, fee income {rep.fee_income}, interest {rep.interest_income})"
        )
    start = time.perf_counter()
    ok = selectors.reconcile().ok
    print(f"reconcile: {'ok' if ok else 'DIFFERENCES'} in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
