"""The plan sections of an incident page at size: a water incident at red / level Ⅰ (21 tasks) and
an animal incident with its 4.3 checklists, the sample chain and a compensation ledger of N lines;
p50/p95 of the incident pages, the ledger's .xlsx and the assessment .docx.

A fresh SQLite database in a temporary directory. Prints figures; asserts nothing.

Run: .venv/bin/python bench/command_plan.py [--lines 2000] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import timedelta


def _setup(data_dir: str) -> None:
    os.environ["CHENGQU_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        _setup(data_dir)
        from decimal import Decimal

        from django.test import Client
        from django.utils import timezone

        from portal.accounts.roles import Role
        from portal.accounts.services import user_create
        from portal.command import plan_services, services
        from portal.command.loading import roster_load
        from portal.command.models import Compensation
        from portal.core.loading import load_roles, load_units

        load_units()
        load_roles()
        roster_load()
        office = user_create(
            username="bench-office", password="Bench-Password-1", roles=[Role.HQ_OFFICE]
        )
        now = timezone.now()
        water = services.incident_register(
            actor=office,
            incident_type="饮用水水源地突发环境事件",
            occurred_at=now - timedelta(hours=3),
            place="郭壁水源地",
        )
        t = time.perf_counter()
        services.incident_water_classify(
            incident=water, entered_zone=True, impact="large", in_area=True, actor=office
        )
        print(
            f"red / level Ⅰ classify + 21 tasks created in {(time.perf_counter() - t) * 1000:.1f} ms"
        )
        for task in list(water.tasks.all())[::2]:
            plan_services.task_mark(task=task, done=True, actor=office)
        animal = services.incident_register(
            actor=office,
            incident_type="突发重大动物疫情",
            occurred_at=now - timedelta(hours=10),
            place="北石店镇",
        )
        services.incident_animal_declare(incident=animal, level="Ⅱ", actor=office)
        at = now - timedelta(hours=9)
        plan_services.sample_record(incident=animal, step=0, field="sent_at", at=at, actor=office)
        plan_services.sample_record(
            incident=animal, step=0, field="received_at", at=at, actor=office
        )
        plan_services.sample_record(
            incident=animal, step=0, field="result_at", at=at, result="不能认定", actor=office
        )
        Compensation.objects.bulk_create(
            [
                Compensation(
                    incident=animal,
                    kind="扑杀动物",
                    item="生猪",
                    owner=f"养殖户{n}",
                    quantity=Decimal(n % 50 + 1),
                    unit="头",
                    amount=Decimal(f"{(n % 97) * 800}.{n % 100:02d}"),
                    basis="省强制扑杀补助标准",
                    recorded_by=office,
                    recorded_at=now,
                )
                for n in range(args.lines)
            ]
        )
        plan_services.assessment_save(
            incident=animal, content={"疫情基本情况和发生的经过": "……" * 200}, actor=office
        )
        pages = [
            ("水源地事件页(21项任务)", f"/command/incidents/{water.pk}/"),
            (f"动物疫情事件页({args.lines}条补偿)", f"/command/incidents/{animal.pk}/"),
            (
                f"补偿台账 .xlsx({args.lines}条)",
                f"/command/incidents/{animal.pk}/compensation.xlsx",
            ),
            ("评估报告表单", f"/command/incidents/{animal.pk}/assessment/"),
            ("评估报告 .docx", f"/command/incidents/{animal.pk}/assessment.docx"),
        ]
        client = Client(HTTP_HOST="localhost")
        client.force_login(office)
        for label, url in pages:
            assert client.get(url).status_code == 200, url
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            print(
                f"{label:<26} p50 {statistics.median(times):7.1f} ms   p95 {_p(times, 0.95):7.1f} ms"
            )


if __name__ == "__main__":
    main()
