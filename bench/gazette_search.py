"""Gazette search at scale: a corpus of N documents recombined from the real clauses, indexed,
then p50/p95 of two-character, four-character and 文号 queries through gazette_search.

SQLite always (a fresh database in a temporary directory); PostgreSQL too when
CHENGQU_BENCH_DATABASE_URL names a scratch database (its gazette tables are emptied first).
Prints figures; asserts nothing. Goal (issue 3): p95 under 50 ms on SQLite at 100,000 documents.

Run: .venv/bin/python bench/gazette_search.py [--docs 100000] [--queries 40]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

TWO = ["预案", "城政", "应急", "资金", "安全", "污染", "企业", "消防", "疫情", "文物"]
FOUR = [
    "应急预案",
    "安全生产",
    "周转资金",
    "重污染天",
    "指挥体系",
    "文物普查",
    "环境卫生",
    "开垦费征",
]
CODES = ["城政办发", "城政发", "城政函", "城政办函", "晋市政发", "晋政办发"]
BRACKETS = [("〔", "〕"), ("[", "]"), ("(", ")"), ("（", "）")]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _build(docs: int, seed: int) -> list[str]:
    """Store the bundled issue, then ``docs`` synthetic documents; returns their numbers."""
    from django.db import connection, transaction

    from chengqu.data import read_gazette_issue
    from portal.gazette import models
    from portal.gazette.bigrams import to_bigrams
    from portal.gazette.services import issue_ingest

    for model in (models.SearchEntry, models.Relation, models.Clause):
        model.objects.all().delete()
    models.Document.objects.update(current=None)
    for model in (models.DocumentVersion, models.Document, models.IssueVersion, models.Issue):
        model.objects.all().delete()
    issue_ingest(data=read_gazette_issue("gazette-2024-1.txt"), source_name="bench")
    texts = [t for t in models.Clause.objects.values_list("text", flat=True) if len(t) >= 10]
    titles = list(models.DocumentVersion.objects.values_list("title", flat=True))
    issue_version = models.IssueVersion.objects.get()
    rng = random.Random(seed)
    numbers: list[str] = []
    start = time.perf_counter()
    batch = 2000
    for offset in range(0, docs, batch):
        with transaction.atomic():
            documents = []
            for i in range(offset, min(docs, offset + batch)):
                number = f"{CODES[i % len(CODES)]}〔{2000 + (i // 7) % 25}〕{i + 1}号"
                numbers.append(number)
                documents.append(
                    models.Document(key=number, number=number, title=rng.choice(titles))
                )
            models.Document.objects.bulk_create(documents)
            versions = [
                models.DocumentVersion(
                    document=d,
                    issue_version=issue_version,
                    order=1000 + offset + j,
                    number=d.number,
                    year=2000 + ((offset + j) // 7) % 25,
                    title=d.title,
                    category=rng.choice(["区政府文件", "行政规范性文件"]),
                    issuer="晋城市城区人民政府",
                    public="主动公开",
                )
                for j, d in enumerate(documents)
            ]
            models.DocumentVersion.objects.bulk_create(versions)
            entries = []
            for v in versions:
                head = f"{v.number}\n{v.title}"
                common = {
                    "document_id": v.document_id,
                    "version_id": v.pk,
                    "category": v.category,
                    "year": v.year,
                    "issuer": v.issuer,
                    "public": True,
                }
                entries.append(models.SearchEntry(text=head, bigrams=to_bigrams(head), **common))
                for _ in range(5):
                    # A clause recombined from two real ones: the second half of one after the first of another.
                    a, b = rng.choice(texts), rng.choice(texts)
                    text = a[: len(a) // 2] + b[len(b) // 2 :]
                    entries.append(
                        models.SearchEntry(text=text, bigrams=to_bigrams(text), **common)
                    )
            models.SearchEntry.objects.bulk_create(entries, batch_size=1000)
        print(
            f"\r  indexed {min(docs, offset + batch):,} / {docs:,} documents",
            end="",
            file=sys.stderr,
        )
    print(file=sys.stderr)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE gazette_searchentry")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO gazette_fts(gazette_fts) VALUES ('optimize')")
    print(
        f"  built in {time.perf_counter() - start:.1f} s ({models.SearchEntry.objects.count():,} search rows)"
    )
    return numbers


def _measure(label: str, queries: list[str]) -> None:
    from portal.gazette.search import gazette_search

    gazette_search(query=queries[0], limit=20)  # warm the cache once
    times = []
    counts = []
    for query in queries:
        start = time.perf_counter()
        hits = gazette_search(query=query, limit=20)
        times.append((time.perf_counter() - start) * 1000)
        counts.append(len(hits))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(
        f"  {label:<10} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   "
        f"(n={len(times)}, hits/query median {statistics.median(counts):.0f})"
    )


def run_backend(docs: int, queries: int, seed: int) -> None:
    _setup_django()
    from django.db import connection

    print(f"== {connection.vendor}: {docs:,} documents")
    numbers = _build(docs, seed)
    rng = random.Random(seed + 1)
    _measure("2 字", [rng.choice(TWO) for _ in range(queries)])
    _measure("4 字", [rng.choice(FOUR) for _ in range(queries)])
    picks = []
    for _ in range(queries):
        number = rng.choice(numbers)
        left, right = rng.choice(BRACKETS)
        picks.append(number.replace("〔", left).replace("〕", right))
    _measure("文号", picks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend:
        run_backend(args.docs, args.queries, args.seed)
        return
    common = [
        sys.executable,
        __file__,
        "--docs",
        str(args.docs),
        "--queries",
        str(args.queries),
        "--seed",
        str(args.seed),
    ]
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    with tempfile.TemporaryDirectory() as data_dir:
        subprocess.run(
            [*common, "--backend", "sqlite"], env={**env, "CHENGQU_DATA_DIR": data_dir}, check=True
        )
        pg = os.environ.get("CHENGQU_BENCH_DATABASE_URL")
        if pg:
            subprocess.run(
                [*common, "--backend", "postgresql"],
                env={**env, "CHENGQU_DATA_DIR": data_dir, "DATABASE_URL": pg},
                check=True,
            )
        else:
            print("== postgresql: skipped (set CHENGQU_BENCH_DATABASE_URL to a scratch database)")


if __name__ == "__main__":
    main()
