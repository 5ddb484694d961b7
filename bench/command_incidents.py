"""The incident dashboard and timeline at scale: 100,000 incidents and 1,000,000 report entries
on SQLite, then p50/p95 of the dashboard (all, open, a late page, a unit user's), an incident's
timeline page and its API answer.

A fresh SQLite database in a temporary directory. Prints figures; asserts nothing.
Goal (issue 5): p95 per page under 200 ms on SQLite.

Run: .venv/bin/python bench/command_incidents.py [--incidents 100000] [--reports 1000000] [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def _setup(data_dir: str) -> None:
    os.environ["CHENGQU_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


TYPES = [
    ("饮用水水源地突发环境事件", "plan_water_source", "plan_water_source"),
    ("突发重大动物疫情", "animal_epidemic", "plan_animal_epidemic"),
    ("森林火灾", "forest_fire", ""),
    ("道路交通事故", "traffic", ""),
    ("暴雨内涝", "flood_drought", ""),
]


def _build(incidents: int, reports: int, seed: int) -> None:
    from django.db import connection, transaction

    from chengqu.command.clocks import clock_rules
    from portal.accounts.models import Department
    from portal.command.loading import roster_load
    from portal.command.models import Headquarters, Incident
    from portal.core.loading import load_units

    load_units()
    roster_load()
    rng = random.Random(seed)
    streets = list(Department.objects.filter(kind__in=("town", "street")))
    hqs = {h.key: h for h in Headquarters.objects.all()}
    clocks: dict[str, list[tuple[str, str]]] = {}
    for rule in clock_rules():
        clocks.setdefault(rule.plan, []).append((rule.key, rule.report))
    start = datetime(2024, 3, 8, tzinfo=ZoneInfo("Asia/Shanghai"))
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    span = int((now - start).total_seconds() // 60) - 60
    per = max(1, reports // incidents)
    content = json.dumps({"类型": "基准"}, ensure_ascii=False)
    for offset in range(0, incidents, 2000):
        batch = []
        for i in range(offset, min(incidents, offset + 2000)):
            kind, hq, plan = TYPES[i % len(TYPES)]
            at = start + timedelta(minutes=rng.randint(0, span))
            batch.append(
                Incident(
                    incident_type=kind,
                    place=f"地点{i}",
                    occurred_at=at,
                    department=streets[i % len(streets)],
                    hq=hqs[hq],
                    routing_status="matched",
                    candidates=[hq],
                    plan=plan,
                    created_at=at,
                    status="closed" if i % 10 else "open",
                )
            )
        with transaction.atomic():
            made = Incident.objects.bulk_create(batch)
            reports_sql, events_sql = [], []
            dt = connection.ops.adapt_datetimefield_value
            for incident in made:
                keys = clocks.get(incident.plan) or [("", "续报")]
                due = dt(incident.occurred_at + timedelta(minutes=30))
                for n in range(per):
                    key, title = keys[n % len(keys)]
                    filed = dt(incident.occurred_at + timedelta(minutes=rng.randint(5, 120)))
                    reports_sql.append(
                        (incident.pk, key, title, content, "", "filed", True, due, filed, filed)
                    )
                    events_sql.append((incident.pk, filed, "report", f"报送{title}", "", ""))
                events_sql.append(
                    (incident.pk, dt(incident.occurred_at), "registered", "登记事件", "", "")
                )
            with connection.cursor() as cursor:
                # Plain executemany: the ORM's per-object cost would dominate a million rows.
                cursor.executemany(
                    "INSERT INTO command_report (incident_id, clock, title, content, text, status, complete,"
                    " due_at, filed_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    reports_sql,
                )
                cursor.executemany(
                    "INSERT INTO command_event (incident_id, at, kind, text, document, clause)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    events_sql,
                )


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        _setup(data_dir)
        t0 = time.perf_counter()
        _build(args.incidents, args.reports, seed=5)
        print(
            f"built {args.incidents} incidents + {args.reports} reports in {time.perf_counter() - t0:.1f} s"
        )
        from django.test import Client

        from portal.accounts.models import Department
        from portal.accounts.roles import Role
        from portal.accounts.services import user_create
        from portal.command.models import Incident
        from portal.core.loading import load_roles

        load_roles()
        office = user_create(
            username="bench-office", password="Bench-Password-1", roles=[Role.HQ_OFFICE]
        )
        street = Department.objects.filter(kind="street").first()
        clerk = user_create(
            username="bench-street",
            password="Bench-Password-1",
            roles=[Role.UNIT],
            department=street,
        )
        water = (
            Incident.objects.filter(plan="plan_water_source", status="open")
            .order_by("-occurred_at")
            .first()
        )
        assert water is not None
        pages = [
            ("事件列表(指挥部办公室)", office, "/command/incidents/"),
            ("事件列表 处置中", office, "/command/incidents/?status=open"),
            ("事件列表 第1000页", office, "/command/incidents/?page=1000"),
            ("事件列表(街道用户)", clerk, "/command/incidents/"),
            ("事件时间线(水源地)", office, f"/command/incidents/{water.pk}/"),
            ("API 事件详情", office, f"/api/v1/command/incidents/{water.pk}"),
            ("API 事件列表", office, "/api/v1/command/incidents?limit=50&offset=50000"),
        ]
        for label, user, url in pages:
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            assert client.get(url).status_code == 200, url
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            print(
                f"{label:<22} p50 {statistics.median(times):7.1f} ms   p95 {_p(times, 0.95):7.1f} ms"
            )


if __name__ == "__main__":
    main()
