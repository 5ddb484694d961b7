"""Issue 6 reliability: a process killed in the middle of a disbursement leaves no partial posting."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path


def test_a_process_killed_mid_disbursement_leaves_no_partial_posting(tmp_path):
    script = Path(__file__).with_name("fund_sqlite_kill.py")
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    died = subprocess.run(
        [sys.executable, str(script), "kill", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert died.returncode == -signal.SIGKILL, died.stderr[
        -2000:
    ]  # really killed, not an exception
    application = json.loads(died.stdout.strip().splitlines()[-1])["application"]
    checked = subprocess.run(
        [sys.executable, str(script), "check", str(tmp_path), str(application)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr[-2000:]
    body = json.loads(checked.stdout.strip().splitlines()[-1])
    assert body == {
        "state": "contracted",
        "disburse_transactions": 0,
        "loan_legs": 0,
        "available": "1000000.00",
        "reconciled": True,
    }
