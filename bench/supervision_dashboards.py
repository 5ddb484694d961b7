"""Supervision dashboards at scale: 100,000 tasks and 100,000 hazards on SQLite, then p95 of the
ledger, filtered ledgers, a unit user's ledger, the hazard lists, the recurring duties and the
bulletin for all units (by unit, by leader, .docx, .xlsx).

A fresh SQLite database in a temporary directory. Prints figures; asserts nothing.
Goals (issue 8): p95 per page under 200 ms; the bulletin for all units under 2 s.

Run: .venv/bin/python bench/supervision_dashboards.py [--tasks 100000] [--hazards 100000] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta


def _setup(data_dir: str) -> None:
    os.environ["CHENGQU_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.config.settings"
    os.environ.setdefault("CHENGQU_ALLOWED_HOSTS", "127.0.0.1,localhost")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _build(tasks: int, hazards: int, seed: int) -> None:
    from django.db import transaction

    from portal.accounts.models import Department
    from portal.supervision.loading import load_tasks
    from portal.supervision.models import Hazard, LoopItem, Venue

    load_tasks()
    rng = random.Random(seed)
    units = list(Department.objects.all())
    streets = [u for u in units if u.kind in ("town", "street")]
    leaders = ["冯晓伟", "张海忠", "郭晓晨", "史晋雷", "牛大伟", "刘小虎", "冯军彪", "靳睿"]
    states = ["dispatched", "accepted", "in_progress", "submitted", "returned", "closed"]
    start = date(2024, 3, 19)

    def item(kind: str, i: int) -> LoopItem:
        unit = rng.choice(streets if kind == "hazard" else units)
        due = start + timedelta(days=rng.randint(10, 900))
        state = rng.choice(states)
        return LoopItem(
            kind=kind,
            source="bench",
            number=str(i),
            title=f"任务{i}",
            text=f"基准测试事项{i}",
            unit=unit,
            unit_name=unit.name,
            leader=rng.choice(leaders),
            livelihood=i % 9 == 0,
            dispatched=start,
            due=due,
            state=state,
            progress=rng.randint(0, 100),
            closed_on=due if state == "closed" else None,
        )

    for kind, count in (("task", tasks), ("hazard", hazards)):
        for offset in range(0, count, 5000):
            with transaction.atomic():
                LoopItem.objects.bulk_create(
                    [item(kind, i) for i in range(offset, min(count, offset + 5000))]
                )
    venues = Venue.objects.bulk_create(
        [
            Venue(
                name=f"场所{i}",
                venue_class="nine_small",
                kind="小餐饮",
                street=streets[i % len(streets)],
                responsible_person="某某",
            )
            for i in range(2000)
        ]
    )
    ids = list(LoopItem.objects.filter(kind="hazard").values_list("pk", flat=True))
    for offset in range(0, len(ids), 5000):
        with transaction.atomic():
            Hazard.objects.bulk_create(
                [
                    Hazard(
                        item_id=pk,
                        venue=venues[j % len(venues)],
                        check_id="2-1",
                        clause="para_3__subpara_2__item_1",
                        inspector_kind="town",
                        found_on=start,
                        measure="整改",
                        responsible_person="某某",
                    )
                    for j, pk in enumerate(ids[offset : offset + 5000])
                ]
            )


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--data-dir", help="keep (or reuse) the built database in this directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.data_dir or scratch
        reuse = os.path.exists(os.path.join(data_dir, "built"))
        _setup(data_dir)
        if not reuse:
            t0 = time.perf_counter()
            _build(args.tasks, args.hazards, seed=8)
            print(
                f"built {args.tasks} tasks + {args.hazards} hazards in {time.perf_counter() - t0:.1f} s"
            )
            open(os.path.join(data_dir, "built"), "w").close()
        from django.test import Client

        from portal.accounts.models import Department, User
        from portal.accounts.roles import Role
        from portal.accounts.services import user_create
        from portal.core.loading import load_roles

        load_roles()
        User.objects.filter(username__startswith="bench-").delete()
        inspector = user_create(
            username="bench-dcs", password="Bench-Password-1", roles=[Role.INSPECTORATE]
        )
        unit = Department.objects.get(name="区财政局")
        clerk = user_create(
            username="bench-czj", password="Bench-Password-1", roles=[Role.UNIT], department=unit
        )
        pages = [
            ("台账(督查室)", inspector, "/supervision/"),
            ("台账 按领导", inspector, "/supervision/?leader=张海忠"),
            ("台账 逾期", inspector, "/supervision/?overdue=1"),
            ("台账 民生实事 第20页", inspector, "/supervision/?livelihood=1&page=20"),
            ("我的任务(区财政局)", clerk, "/supervision/?mine=1"),
            ("隐患列表", inspector, "/supervision/hazards/"),
            ("隐患 逾期", inspector, "/supervision/hazards/?overdue=1"),
            ("隐患 第500页", inspector, "/supervision/hazards/?page=500"),
            ("周期性工作", inspector, "/supervision/duties/"),
        ]
        for label, user, url in pages:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            assert client.get(url).status_code == 200
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            print(
                f"{label:<22} p50 {statistics.median(times):7.1f} ms   p95 {_p(times, 0.95):7.1f} ms"
            )
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(inspector)
        for fmt in ("", "&by=leader", "&format=docx", "&format=xlsx"):
            t = time.perf_counter()
            response = client.get(f"/supervision/bulletin/?start=2024-01-01&end=2025-06-30{fmt}")
            assert response.status_code == 200
            print(f"通报 全部单位 {fmt or 'html':<14} {(time.perf_counter() - t) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
