"""Real State Council documents (gov.cn, 2018-2019) parse, and their own 文号 and dates come out right.

The fixture is a copy of shared/corpus/state-council-2018-2019.txt: nine records, each a gov.cn
metadata table (索引号 … 发布日期) and then the document as published.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chengqu.gazette import Public, normalise_doc_number, parse_cn_date, parse_issue, walk_clauses

FIXTURE = Path(__file__).parent / "fixtures" / "state-council-2018-2019.txt"
TEXT = FIXTURE.read_text(encoding="utf-8")


def records() -> list[tuple[dict[str, str], str]]:
    out = []
    for chunk in TEXT.split("=====\n")[1:]:
        head, body = chunk.split("-----\n", 1)
        meta = {}
        for line in head.splitlines():
            label, _, value = line.partition("：") if "：" in line else line.partition(":")
            meta[label.strip()] = value.strip()
        out.append((meta, body))
    return out


RECORDS = records()


def test_fixture_has_nine_records() -> None:
    assert len(RECORDS) == 9


def test_whole_file_parses_with_metadata_blocks() -> None:
    result = parse_issue(FIXTURE.read_bytes())
    assert len(result.documents) == 9
    for doc, (meta, _) in zip(result.documents, RECORDS, strict=True):
        assert doc.number == normalise_doc_number(meta["发文字号"])
        assert doc.title == meta["标题"]
        assert doc.signed_date == parse_cn_date(meta["成文日期"])
        assert doc.published_date == parse_cn_date(meta["发布日期"])
        assert doc.issuer == meta["发文机关"]
        assert dict(doc.labels)["索引号"] == meta["索引号"]
    # the file's own header (source / fetched-by / note) belongs to no document: kept, not dropped
    assert [u.line_start for u in result.unparsed] == [1, 2, 3]
    assert result.unparsed[0].text.startswith("source: github ZhouYNF/platform-1")


@pytest.mark.parametrize(("meta", "body"), RECORDS, ids=[m["发文字号"] for m, _ in RECORDS])
def test_each_document_alone_yields_its_own_number_and_dates(
    meta: dict[str, str], body: str
) -> None:
    """Without the metadata table, the body's own 文号, title and 成文日期 must come out."""
    (doc,) = parse_issue(body).documents
    expected_number = normalise_doc_number(meta["发文字号"])
    if expected_number and "〔" in expected_number:
        assert doc.number == expected_number
    else:
        # 国令第707号: the order prints "中华人民共和国国务院令 / 第707号", not a 机关代字〔年〕号;
        # the body alone does not say "国令", so the number is left null rather than invented
        assert doc.number is None
    assert doc.signed_date == parse_cn_date(meta["成文日期"])
    assert doc.public == (Public.ACTIVE if "（此件公开发布）" in body else Public.UNMARKED)
    if doc.number is not None:
        assert doc.title == meta["标题"]


def test_chinese_numeral_signing_date_in_the_body() -> None:
    _meta, body = RECORDS[-1]
    assert "一九九六年六月二十九日" in body
    (doc,) = parse_issue(body).documents
    assert doc.signed_date == date(1996, 6, 29)
    assert doc.issuer == "国务院办公厅、中央军委办公厅"  # joint 署名, as gov.cn lists 发文机关
    assert doc.addressees[-1] == "沈阳、北京、兰州、济南、南京、广州军区"


def test_regulation_articles_and_effective_date() -> None:
    result = parse_issue(FIXTURE.read_bytes())
    regulation = next(d for d in result.documents if d.number == "国令第707号")
    assert regulation.effective_date == date(2019, 1, 1)  # 自2019年1月1日起施行
    (attachment,) = regulation.attachments
    assert attachment.title == "中华人民共和国个人所得税法实施条例"
    articles = [c.eid for c in walk_clauses(attachment.clauses) if c.kind == "art"]
    assert articles == [f"art_{n}" for n in range(1, 37)]
    sixth = regulation.clause("art_6__subpara_5__item_2")
    assert sixth is not None
    assert sixth.text.startswith("个人依法从事办学、医疗、咨询")


def test_title_broken_over_three_lines() -> None:
    result = parse_issue(FIXTURE.read_bytes())
    decision = result.documents[1]
    assert (
        decision.title
        == "国务院关于在海南博鳌乐城国际医疗旅游先行区暂时调整实施《中华人民共和国药品管理法实施条例》有关规定的决定"
    )
    assert decision.doc_type == "决定"
    roles = {
        s.role for s in result.spans if decision.line_start <= s.line_start <= decision.line_end
    }
    assert {
        "metadata",
        "title",
        "number",
        "addressees",
        "signature",
        "date",
        "note",
        "clause",
    } <= roles
