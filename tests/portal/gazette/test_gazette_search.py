"""Chinese search on whichever database the suite runs on (SQLite FTS5 or PostgreSQL tsvector)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from chengqu.gazette import Status
from portal.gazette.bigrams import query_plan, to_bigrams
from portal.gazette.search import SearchFilters, gazette_search, highlight

FUND = "城政办发〔2024〕6号"
COMMAND = "城政办发〔2024〕8号"


def test_text_is_indexed_as_cjk_bigrams_and_ascii_words():
    assert to_bigrams("城政办发〔2024〕6号") == "城政 政办 办发 2024 6 号"
    assert to_bigrams("PM2.5 重污染") == "pm2 5 重污 污染"
    assert to_bigrams("２０２４年") == "2024 年"  # full-width digits fold to ASCII


def test_a_query_becomes_a_phrase_of_its_bigrams():
    assert query_plan("预案").tokens == ("预案",)
    assert query_plan("城政办发[2024]6号").tokens == ("城政", "政办", "办发", "2024", "6", "号")
    assert query_plan("6号").prefix_last  # 号 may start a bigram in the text (号文)
    assert query_plan("案").tokens == ()  # one character: LIKE instead


@pytest.mark.django_db
def test_a_two_character_query_finds_clauses_and_highlights_the_match(ingested):
    hits = gazette_search(query="预案")
    assert len(hits) >= 10
    assert all("<mark>预案</mark>" in hit.snippet_html for hit in hits)
    clause_hits = [h for h in hits if h.clause_eid]
    assert clause_hits
    assert all(h.url.endswith(f"/#{h.clause_eid}") for h in clause_hits)


@pytest.mark.django_db
def test_a_two_character_prefix_of_a_document_number_finds_those_documents(ingested):
    numbers = {hit.number for hit in gazette_search(query="城政", limit=200)}
    assert FUND in numbers
    assert "城政发〔2024〕1号" in numbers


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["城政办发[2024]6号", "城政办发〔2024〕6号", "城政办发(2024)6号", "城政办发（２０２４）６号"],
)
def test_a_document_number_in_any_bracket_form_finds_its_document_first(ingested, query):
    hits = gazette_search(query=query)
    assert hits[0].number == FUND
    assert hits[0].clause_eid is None
    assert "<mark>城政办发〔2024〕6号</mark>" in hits[0].snippet_html
    assert all(h.number != "城政办发〔2024〕60号" for h in hits)


@pytest.mark.django_db
def test_a_clause_phrase_finds_exactly_that_clause(ingested):
    hits = gazette_search(query="日息按0.2‰计算")
    assert [(h.number, h.clause_eid) for h in hits] == [(FUND, "chp_2__art_10")]
    assert "<mark>日息按0.2‰计算</mark>" in hits[0].snippet_html


@pytest.mark.django_db
def test_words_that_are_near_but_not_adjacent_do_not_match(ingested):
    # 应急 and 预案 are both everywhere; "应急预案不存在" is nowhere.
    assert gazette_search(query="应急预案不存在") == []


@pytest.mark.django_db
def test_one_character_falls_back_to_a_substring_match(ingested):
    hits = gazette_search(query="疫", limit=200)
    assert hits
    assert all("<mark>疫</mark>" in h.snippet_html for h in hits)
    assert "城政办发〔2024〕2号" in {h.number for h in hits}


@pytest.mark.django_db
def test_filters_narrow_by_category_year_issuer_and_status(ingested):
    normative = gazette_search(
        query="城政", filters=SearchFilters(category="行政规范性文件"), limit=500
    )
    assert {h.number for h in normative} == {FUND, "城政发〔2024〕1号"}
    assert gazette_search(query="城政", filters=SearchFilters(year=2023)) == []
    office = gazette_search(
        query="城政", filters=SearchFilters(issuer="晋城市城区人民政府办公室"), limit=500
    )
    assert office
    assert all(h.issuer == "晋城市城区人民政府办公室" for h in office)
    expired = gazette_search(
        query="城政", filters=SearchFilters(status=Status.EXPIRED), on=date(2024, 7, 1), limit=500
    )
    assert {h.number for h in expired} == {"城政办发〔2024〕5号"}


@pytest.mark.django_db
def test_anonymous_search_leaves_out_documents_that_are_not_public(ingested):
    everyone = {h.number for h in gazette_search(query="指挥", limit=500)}
    public = {
        h.number
        for h in gazette_search(query="指挥", filters=SearchFilters(public_only=True), limit=500)
    }
    assert COMMAND in everyone
    assert COMMAND not in public


def test_highlighting_escapes_the_text_around_the_match():
    snippet = highlight("<b>预案</b> 正文", "预案")
    assert snippet == "&lt;b&gt;<mark>预案</mark>&lt;/b&gt; 正文"


@pytest.mark.pg
@pytest.mark.django_db
def test_postgresql_search_uses_the_tsvector_index(ingested):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM gazette_searchentry WHERE tsv @@ to_tsquery('simple', '预案')"
        )
        (count,) = cursor.fetchone()
    assert count > 0
    assert gazette_search(query="城政办发[2024]6号")[0].number == FUND
