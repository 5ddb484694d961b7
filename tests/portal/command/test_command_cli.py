"""`chengqu command who|route|hqs|clocks`: the CLI contract of issue 5 for every HQ and word."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from chengqu.command import load_roster
from chengqu.command.routing import load_vocabulary
from portal.accounts.models import Person
from portal.accounts.services import position_assign
from portal.cli import cli
from portal.command.models import Post


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_who_gives_the_contract_fields():
    result = invoke("command", "who", "森林火灾", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["hq"] == "森林防灭火指挥部"
    assert set(body) >= {"hq", "commanders", "deputies", "office", "citation"}
    assert body["office"]["host"] == "区应急管理局"
    assert {"name": "姚林云", "position": "区应急管理局局长"} in body["office"]["directors"]
    assert all(set(p) == {"name", "position"} for p in body["commanders"])
    assert body["citation"]["document"] == "城政办发〔2024〕8号"


def test_who_holds_for_every_hq_by_name():
    for hq in load_roster().hqs:
        result = invoke("command", "who", hq.name, "--json")
        assert result.exit_code == 0, (hq.name, result.output)
        assert json.loads(result.output)["hq"] == hq.name


def test_who_holds_for_every_word_of_the_issue_vocabulary():
    roster = load_roster()
    for word, keys in load_vocabulary().words(issue_only=True).items():
        result = invoke("command", "who", word, "--json")
        assert result.exit_code == 0, (word, result.output)
        assert json.loads(result.output)["hq"] == roster.headquarters(keys[0]).name, word


def test_who_refuses_an_unclear_word_and_sends_the_unknown_to_the_general_hq():
    from portal.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["command", "who", "火灾"])
    assert exited.value.code == 2
    body = json.loads(invoke("command", "who", "陨石坠落", "--json").output)
    assert body["hq"] == "区应急救援总指挥部"


def test_route_lists_candidates_for_unclear_words():
    body = json.loads(invoke("command", "route", "火灾", "--json").output)
    assert body["status"] == "ambiguous"
    assert len(body["routes"]) > 1
    assert body["notes"]


def test_clocks_gives_the_water_deadlines():
    result = invoke(
        "command", "clocks", "饮用水水源地突发环境事件", "--at", "2026-01-05T08:30", "--json"
    )
    assert result.exit_code == 0, result.output
    rows = {r["key"]: r for r in json.loads(result.output)}
    assert rows["water.initial_phone"]["due"] == "2026-01-05T09:00:00+08:00"
    assert rows["water.initial_written"]["due"] == "2026-01-05T09:30:00+08:00"


def test_hqs_lists_21_headquarters():
    rows = json.loads(invoke("command", "hqs", "--json").output)
    assert len(rows) == 21
    assert sum(r["kind"] == "special" for r in rows) == 17


def test_who_names_todays_holder_once_the_roster_is_loaded(roster):
    post = Post.objects.get(key="区应急管理局局长")
    position_assign(
        position=post.position, person=Person.objects.create(name="钱新任"), start=date(2025, 3, 1)
    )
    body = json.loads(invoke("command", "who", "地震", "--json").output)
    assert {"name": "钱新任", "position": "区应急管理局局长"} in body["office"]["directors"]
