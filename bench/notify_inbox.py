"""The inbox at scale: 200,000 notices addressed to users, posts and units (some read), then
p50/p95 of the inbox page (with the header badge), its filters and a deep page, the API's
unread count, and the cost of one notify() call for a registered incident.

A fresh SQLite database in a temporary directory. Prints figures; asserts nothing.
Goal: like the other pages of issue 5, p95 under 200 ms on SQLite.

Run: .venv/bin/python bench/notify_inbox.py [--notices 200000] [--users 2000] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def _setup(data_dir: str) -> None:
    os.environ["CHENGQU_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.config.settings"
    os.environ["CHENGQU_NOTIFY_CHANNELS"] = "log"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The header badge, as it will run once the context processor is in settings.
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    if "portal.notify.context.unread" not in processors:
        processors.append("portal.notify.context.unread")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _build(notices: int, users: int, seed: int) -> None:
    from django.db import connection, transaction

    from portal.accounts.models import Department, Person, Position, User
    from portal.accounts.roles import Role
    from portal.accounts.services import position_assign, user_create
    from portal.command.loading import roster_load
    from portal.core.loading import load_roles, load_units

    load_units()
    load_roles()
    roster_load()
    rng = random.Random(seed)
    units = list(Department.objects.values_list("pk", flat=True))
    positions = list(Position.objects.values_list("pk", flat=True))
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(username=f"u{i}", department_id=rng.choice(units), password="!")
                for i in range(users)
            ]
        )
    user_ids = list(User.objects.values_list("pk", flat=True))
    # The measured user: in 区应急管理局, holding 区应急管理局局长 (as 姚林云 does).
    office = Department.objects.get(code="yjglj")
    me = user_create(
        username="bench-duty",
        password="Bench-Password-1",
        roles=[Role.HQ_OFFICE],
        department=office,
    )
    post = Position.objects.filter(department=office).first()
    assert post is not None
    position_assign(
        position=post, person=Person.objects.create(name="bench", user=me), start=date(2030, 1, 1)
    )
    start = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    kinds = ["incident", "clock", "air", "message"]
    dt = connection.ops.adapt_datetimefield_value
    batch = 20_000
    with transaction.atomic():
        for first in range(0, notices, batch):
            rows, addresses, receipts = [], [], []
            for n in range(first, min(first + batch, notices)):
                pk = n + 1
                rows.append(
                    (
                        pk,
                        rng.choice(kinds),
                        "",
                        f"通知{pk}",
                        "正文",
                        "",
                        "",
                        None,
                        dt(start + timedelta(minutes=n)),
                    )
                )
                roll = rng.random()
                if roll < 0.4:
                    unit = office.pk if rng.random() < 0.05 else rng.choice(units)
                    addresses.append((pk, None, None, unit, ""))
                elif roll < 0.7:
                    position = post.pk if rng.random() < 0.05 else rng.choice(positions)
                    addresses.append((pk, None, position, None, ""))
                else:
                    user = me.pk if rng.random() < 0.05 else rng.choice(user_ids)
                    addresses.append((pk, user, None, None, ""))
                if rng.random() < 0.5:
                    receipts.append((pk, me.pk, dt(start + timedelta(minutes=n + 5))))
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO notify_notification (id, kind, topic, title, body, url, source, sender_id, created_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )
                cursor.executemany(
                    "INSERT INTO notify_address (notification_id, user_id, position_id, department_id, reason)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    addresses,
                )
                cursor.executemany(
                    "INSERT INTO notify_receipt (notification_id, user_id, read_at) VALUES (%s, %s, %s)",
                    receipts,
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _report(label: str, times: list[float]) -> None:
    print(f"{label:<24} p50 {statistics.median(times):7.1f} ms   p95 {_p(times, 0.95):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        _setup(data_dir)
        t0 = time.perf_counter()
        _build(args.notices, args.users, seed=5)
        print(
            f"built {args.notices} notices for {args.users} users in {time.perf_counter() - t0:.1f} s"
        )
        from django.db import transaction
        from django.test import Client
        from django.utils import timezone

        from portal.accounts.models import User
        from portal.command.services import incident_register
        from portal.notify import selectors

        me = User.objects.get(username="bench-duty")
        print(
            f"bench-duty sees {selectors.visible(me).count()} notices, {selectors.unread_count(me)} unread"
        )
        pages = [
            ("收件箱 第1页", "/notify/"),
            ("收件箱 仅未读", "/notify/?unread=1"),
            ("收件箱 按类别", "/notify/?kind=air"),
            ("收件箱 第100页", "/notify/?page=100"),
            ("API 未读数", "/api/v1/notify/unread-count"),
            ("API 列表", "/api/v1/notify/?limit=50"),
        ]
        client = Client(HTTP_HOST="localhost")
        client.force_login(me)
        for label, url in pages:
            assert client.get(url).status_code == 200, url
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            _report(label, times)
        times = []
        for n in range(args.runs):
            t = time.perf_counter()
            with transaction.atomic():  # registration + its notice + the log channel after commit
                incident_register(
                    actor=None,
                    incident_type="森林火灾",
                    place=f"北山{n}",
                    occurred_at=timezone.now() - timedelta(minutes=5),
                )
            times.append((time.perf_counter() - t) * 1000)
        _report("登记事件(含通知)", times)


if __name__ == "__main__":
    main()
