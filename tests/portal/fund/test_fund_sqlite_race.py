"""The reliability test of issue 6 on SQLite: concurrent disbursements on a real database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_fifty_concurrent_disbursements_on_sqlite_exactly_ten_succeed():
    script = Path(__file__).with_name("fund_sqlite_race.py")
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        [sys.executable, str(script), "50", "10"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    body = json.loads(result.stdout.strip().splitlines()[-1])
    assert body["outcomes"].count("ok") == 10, body["outcomes"]
    assert body["outcomes"].count("fund.insufficient") == 40, body["outcomes"]
    assert body["available"] == "0.00"
    assert body["disbursements"] == 10
    assert body["reconciled"] is True
