"""Run by test_fund_sqlite_race: N threads disburse at once on a fresh SQLite file database.

Prints one JSON object: the outcome of each attempt, the available balance and reconciliation.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
from datetime import date
from decimal import Decimal


def main(attempts: int, funded_for: int) -> None:
    os.environ["CHENGQU_DATA_DIR"] = tempfile.mkdtemp(prefix="fund-race-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    sys.path.insert(0, os.path.dirname(__file__))
    from types import SimpleNamespace

    from fund_helpers import drive  # type: ignore[import-not-found]

    from chengqu.common import DomainError
    from portal.accounts.roles import Role
    from portal.accounts.services import department_upsert, user_create
    from portal.fund import selectors, services
    from portal.fund.access import operator_unit
    from portal.fund.loading import load_operator

    load_operator()
    pw = "Str0ng-pass-for-tests"
    ent = department_upsert(code="qy", name="企业", kind="enterprise")[0]
    bank = department_upsert(code="yh", name="银行", kind="bank")[0]
    f = SimpleNamespace(
        bank=bank,
        ent_user=user_create(username="e", password=pw, roles=[Role.ENTERPRISE], department=ent),
        bank_user=user_create(username="b", password=pw, roles=[Role.BANK], department=bank),
        operator=user_create(
            username="o", password=pw, roles=[Role.UNIT], department=operator_unit()
        ),
    )
    services.capital_pay_in(
        actor=f.operator, amount=str(100000 * funded_for), day=date(2024, 4, 10), key="c"
    )
    apps = [
        drive(f, "contracted", requested=Decimal("100000"), maturing_amount=Decimal("100000"))
        for _ in range(attempts)
    ]
    connection.close()
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(app: object) -> None:
        try:
            barrier.wait()
            services.application_disburse(actor=f.operator, application=app, day=date(2024, 10, 8))  # type: ignore[arg-type]
            result = "ok"
        except DomainError as exc:
            result = exc.code
        except Exception as exc:
            result = f"error: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sys.stdout.write(
        json.dumps(
            {
                "outcomes": outcomes,
                "available": str(selectors.available()),
                "reconciled": selectors.reconcile().ok,
                "disbursements": sum(1 for a in apps if a.transactions.exists()),
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
