"""`chengqu gazette …` run as a user runs it: a separate process on its own data directory."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from chengqu.data import read_gazette_issue

CHENGQU = [sys.executable, "-m", "portal.cli"]


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_SETTINGS"))
    }
    env.update(CHENGQU_DATA_DIR=str(data_dir))
    return subprocess.run([*CHENGQU, *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("gazette-site")
    assert run(data_dir, "migrate").returncode == 0
    return data_dir


@pytest.fixture(scope="module")
def issue_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("issue") / "gazette-2024-1.txt"
    path.write_text(read_gazette_issue("gazette-2024-1.txt"), encoding="utf-8")
    return path


def issues_stored(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "chengqu.sqlite3") as conn:
        return int(conn.execute("SELECT count(*) FROM gazette_issueversion").fetchone()[0])


def test_parse_prints_the_issue_as_json_without_touching_the_database(site, issue_file):
    result = run(site, "gazette", "parse", str(issue_file), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["issue"]["cumulative_number"] == 5
    assert len(data["documents"]) == 13
    fund = next(d for d in data["documents"] if d["number"] == "城政办发〔2024〕6号")
    assert fund["signed_date"] == "2024-03-06"
    assert fund["public"] == "主动公开"
    assert issues_stored(site) == 0


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "文件为空"),
        (b"\x89PNG\r\n\x1a\n" + bytes(300), "二进制"),
        (b"\x81\x20abc \xff\xfe\xfd" * 30, "编码无法识别"),
        ("今天天气很好, 我们去公园散步。\n".encode(), "未能识别出政府公文"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_stores_nothing(site, tmp_path, content, fragment):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    for verb in ("parse", "ingest"):
        result = run(site, "gazette", verb, str(bad))
        assert result.returncode == 2
        assert fragment in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert issues_stored(site) == 0


def test_a_missing_file_exits_2(site, tmp_path):
    result = run(site, "gazette", "ingest", str(tmp_path / "nope.txt"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_ingest_then_search_and_show(site, issue_file):
    first = run(site, "gazette", "ingest", str(issue_file), "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["created"] is True
    again = run(site, "gazette", "ingest", str(issue_file))
    assert "未作任何改动" in again.stdout
    assert issues_stored(site) == 1

    found = json.loads(run(site, "gazette", "search", "城政办发[2024]6号", "--json").stdout)
    assert found["hits"][0]["number"] == "城政办发〔2024〕6号"
    shown = run(site, "gazette", "show", "城政办发(2024)6号")
    assert shown.returncode == 0
    assert "chp_2__art_10" in shown.stdout
    assert "时效性" in shown.stdout
    missing = run(site, "gazette", "show", "城政办发〔2099〕1号")
    assert missing.returncode == 2
    assert "没有这份文件" in missing.stderr
