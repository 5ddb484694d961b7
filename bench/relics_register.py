"""Bench: a register of N relics with 3·N photographs' metadata; list, filter and search p95 through the
selectors the pages use (count + one page of 50), then an xlsx import of M rows into that register.

SQLite in a fresh temporary data directory. Prints figures; asserts nothing.
Goals (issue 9): p95 under 200 ms at 100,000 relics; 10,000-row import under 20 s.

Run: .venv/bin/python bench/relics_register.py [--relics 100000] [--rows 10000] [--queries 30]
The import is timed twice: into an empty register, and into the full (synthetic, dense) one.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

CHARS = "玉皇关帝汤王城隍文昌观音龙王土地三官真武药王山神河神古寺塔桥堂祠庙阁楼院宅墓碑窑洞"
ERAS = ["宋", "金", "元", "明", "清", "民国", "现代"]


def _setup(data_dir: str) -> None:
    os.environ["CHENGQU_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(2, 5)))


def _users() -> tuple[object, object]:

    from portal.accounts.roles import Role
    from portal.accounts.services import department_upsert, user_create

    towns = [
        department_upsert(code=f"t{i}", name=f"镇街{i}", kind="street" if i else "town")[0]
        for i in range(8)
    ]
    bureau = department_upsert(code="wlj", name="区文旅局", kind="organ")[0]
    boss = user_create(
        username="bench_bureau", password="Bench-pass-12345", roles=[Role.UNIT], department=bureau
    )
    team = user_create(
        username="bench_team", password="Bench-pass-12345", roles=[Role.UNIT], department=towns[3]
    )
    return boss, team


def _fill(n: int, seed: int) -> None:
    from django.db import transaction

    from portal.accounts.models import Department
    from portal.relics.models import Relic, RelicFile
    from portal.relics.selectors import search_text_of

    towns = list(Department.objects.filter(code__in=[f"t{i}" for i in range(8)]))
    rng = random.Random(seed)
    categories = ["site", "tomb", "building", "grotto", "modern", "other"]
    levels = ["national", "provincial", "city", "county", "unrated"]
    stages = ["registered", "published", "lead", "surveyed"]
    start = time.perf_counter()
    batch = 5000
    for offset in range(0, n, batch):
        with transaction.atomic():
            relics = [
                Relic(
                    code=f"B{i:07d}",
                    name=_name(rng),
                    department=rng.choice(towns),
                    address=f"某村{i % 500}号",
                    longitude=f"{rng.uniform(112.78, 112.96):.6f}",
                    latitude=f"{rng.uniform(35.43, 35.57):.6f}",
                    level=rng.choice(levels),
                    category=rng.choice(categories),
                    era=rng.choice(ERAS),
                    ownership="集体",
                    use="闲置",
                    state="fair",
                    managing_body="村委会",
                    stage=rng.choice(stages),
                    as_of="2024-04-30",
                )
                for i in range(offset, min(n, offset + batch))
            ]
            for relic in relics:
                relic.search_text = search_text_of(relic)
            Relic.objects.bulk_create(relics)
    relic_ids = list(Relic.objects.values_list("pk", flat=True))
    for offset in range(0, len(relic_ids), batch):
        with transaction.atomic():
            RelicFile.objects.bulk_create(
                [
                    RelicFile(
                        relic_id=pk,
                        kind="photo",
                        file=f"relics/2024/05/{pk}-{k}.jpg",
                        format="jpeg",
                        size=123456,
                    )
                    for pk in relic_ids[offset : offset + batch]
                    for k in range(3)
                ]
            )
    print(f"built {n} relics, {3 * n} photographs' metadata in {time.perf_counter() - start:.1f} s")


def _p(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[max(0, round(0.95 * len(values)) - 1)]
    return f"p50 {statistics.median(values) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms"


def _time_queries(boss: object, team: object, queries: int, seed: int) -> None:
    from django.core.paginator import Paginator

    from portal.relics.selectors import published_relics, relic_search, relics_for

    rng = random.Random(seed)

    def page(qs: object) -> None:
        p = Paginator(qs, 50).get_page(rng.randint(1, 20))  # type: ignore[arg-type]
        list(p)
        _ = p.paginator.count

    cases = {
        "list (文物局, all)": lambda: page(relics_for(boss)),  # type: ignore[arg-type]
        "list (镇街普查队, own)": lambda: page(relics_for(team)),  # type: ignore[arg-type]
        "filter category+level+town": lambda: page(
            relic_search(
                relics_for(boss),
                category=rng.choice(["site", "building"]),
                level=rng.choice(["city", "county"]),
                town=f"t{rng.randint(0, 7)}",
            )
        ),  # type: ignore[arg-type]
        "search 2 chars": lambda: page(
            relic_search(relics_for(boss), q="".join(rng.choice(CHARS) for _ in range(2)))
        ),  # type: ignore[arg-type]
        "public search 1 char": lambda: page(relic_search(published_relics(), q=rng.choice(CHARS))),
    }
    for label, run in cases.items():
        times = []
        for _ in range(queries):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        print(f"{label:32s} {_p(times)}")


def _import(boss: object, rows: int, folder: str, seed: int, prefix: str, label: str) -> None:
    from openpyxl import Workbook

    from portal.relics.services import register_import

    rng = random.Random(seed + 1)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(
        [
            "普查编号",
            "名称",
            "镇(街道)",
            "地址",
            "经度",
            "纬度",
            "海拔",
            "保护级别",
            "文物类别",
            "年代",
            "权属",
            "使用情况",
            "保存状况",
            "管理机构",
        ]
    )
    for i in range(rows):
        sheet.append(
            [
                f"{prefix}{i:06d}",
                _name(rng) + prefix + str(i),
                f"镇街{rng.randint(0, 7)}",
                "某村",
                f"{rng.uniform(112.78, 112.96):.6f}",
                f"{rng.uniform(35.43, 35.57):.6f}",
                "750",
                rng.choice(["省级", "市级", "县级"]),
                rng.choice(["古建筑", "古遗址"]),
                rng.choice(ERAS),
                "集体",
                "闲置",
                "一般",
                "村委会",
            ]
        )
    path = Path(folder) / f"import-{prefix}.xlsx"
    book.save(path)
    start = time.perf_counter()
    result = register_import(actor=boss, path=path)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    print(
        f"xlsx import of {rows} rows {label}: {elapsed:.1f} s (created {result.created}, errors {len(result.errors)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--relics", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        _setup(data_dir)
        boss, team = _users()
        _import(boss, args.rows, data_dir, args.seed, "E", "into an empty register")
        _fill(args.relics, args.seed)
        _time_queries(boss, team, args.queries, args.seed)
        _import(
            boss,
            args.rows,
            data_dir,
            args.seed,
            "F",
            f"into the register of {args.relics}+ (dense: ~3 within 50 m)",
        )


if __name__ == "__main__":
    main()
