"""Run by test_fund_sqlite_kill: a process SIGKILLed in the middle of a disbursement.

`kill DIR`: set up a funded fund and a contracted application in DIR's SQLite database, then die by
SIGKILL after the disbursement's legs are written and before the transaction commits.
`check DIR`: print the state the database was left in, as one JSON object.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import date
from decimal import Decimal


def _django(data_dir: str) -> None:
    os.environ["CHENGQU_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.config.settings"
    import django

    django.setup()
    sys.path.insert(0, os.path.dirname(__file__))


def kill(data_dir: str) -> None:
    _django(data_dir)
    from types import SimpleNamespace

    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from fund_helpers import drive  # type: ignore[import-not-found]

    from portal.accounts.roles import Role
    from portal.accounts.services import department_upsert, user_create
    from portal.fund import services
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
    services.capital_pay_in(actor=f.operator, amount="1000000", day=date(2024, 4, 10), key="c")
    app = drive(f, "contracted", requested=Decimal("100000"), maturing_amount=Decimal("100000"))
    sys.stdout.write(json.dumps({"application": app.pk}) + "\n")
    sys.stdout.flush()

    def die(*args: object, **kwargs: object) -> None:  # legs and balances written, not committed
        os.kill(os.getpid(), signal.SIGKILL)

    services._add_daily = die  # type: ignore[assignment]
    services.application_disburse(actor=f.operator, application=app, day=date(2024, 10, 8))


def check(data_dir: str, application: int) -> None:
    _django(data_dir)
    from portal.fund import selectors
    from portal.fund.models import Application, LedgerLeg, LedgerTransaction

    sys.stdout.write(
        json.dumps(
            {
                "state": Application.objects.get(pk=application).state,
                "disburse_transactions": LedgerTransaction.objects.filter(kind="disburse").count(),
                "loan_legs": LedgerLeg.objects.filter(account="loans").count(),
                "available": str(selectors.available()),
                "reconciled": selectors.reconcile().ok,
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    if sys.argv[1] == "kill":
        kill(sys.argv[2])
    else:
        check(sys.argv[2], int(sys.argv[3]))
