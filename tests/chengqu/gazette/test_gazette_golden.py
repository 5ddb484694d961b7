"""The bundled issue parses into its 13 documents, checked against a golden file and by hand.

Regenerate the golden file only on purpose: CHENGQU_UPDATE_GOLDEN=1 pytest tests/chengqu/gazette
(then read the diff against the issue's text before committing it).
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from chengqu.data import read_gazette_issue
from chengqu.gazette import Clause, ParseResult, Public, parse_issue, to_json, walk_clauses

GOLDEN = Path(__file__).parent / "golden" / "gazette-2024-1.json"
SOURCE = "gazette-2024-1.txt"


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return parse_issue(read_gazette_issue(SOURCE))


def _clause_rows(clauses: tuple[Clause, ...]) -> list[list[Any]]:
    return [
        [c.eid, c.num, c.heading, c.text[:16], len(c.text), c.line_start, c.line_end]
        for c in walk_clauses(clauses)
    ]


def render(result: ParseResult) -> dict[str, Any]:
    """A stable, reviewable rendering: the CLI shape plus every field and the clause outline."""
    out = to_json(result)
    # the golden file predates warnings; the seed issue has none (test_no_warnings holds that)
    assert out.pop("warnings") == []
    out["issue"]["colophon"] = list(result.issue.colophon)
    for doc, row in zip(result.documents, out["documents"], strict=True):
        row.update(
            {
                "code": doc.code,
                "year": doc.year,
                "seq": doc.seq,
                "page": doc.page,
                "addressees": list(doc.addressees),
                "validity": doc.validity,
                "lines": [doc.line_start, doc.line_end],
                "outline": _clause_rows(doc.clauses),
                "attachment_outlines": {a.eid: _clause_rows(a.clauses) for a in doc.attachments},
            }
        )
    return out


def test_bundled_issue_matches_golden_file(result: ParseResult) -> None:
    rendered = render(result)
    text = json.dumps(rendered, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("CHENGQU_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), (
        "golden file missing: run with CHENGQU_UPDATE_GOLDEN=1 once and review it"
    )
    assert json.loads(GOLDEN.read_text(encoding="utf-8")) == json.loads(text)


def test_issue_cover_and_contents(result: ParseResult) -> None:
    issue = result.issue
    assert (issue.title, issue.year, issue.number, issue.cumulative_number) == (
        "晋城市城区人民政府公报",
        2024,
        1,
        5,
    )
    assert issue.published == date(2024, 3, 30)
    assert issue.organiser == "晋城市城区人民政府办公室"
    assert issue.periodicity == "季度刊"
    assert len(issue.toc) == 13
    # the title broken over two lines in the contents (lines 53-55) is whole
    assert (
        issue.toc[6].title
        == "晋城市城区人民政府办公室关于印发晋城市城区2024年春节元宵节期间环境卫生保障实施方案的通知"
    )
    assert [e.page for e in issue.toc] == [3, 3, 5, 11, 16, 21, 24, 25, 27, 35, 46, 55, 56]
    assert issue.colophon[0] == "主办单位:晋城市城区人民政府办公室"


# Checked by hand against the issue's text: number, section, 成文日期, 附注, first line.
EXPECTED = [
    ("城政发〔2024〕2号", "区政府文件", "批复", date(2024, 2, 2), Public.UNMARKED, 85),
    ("城政发〔2024〕3号", "区政府文件", "通知", date(2024, 2, 29), Public.UNMARKED, 101),
    ("城政发〔2024〕5号", "区政府文件", "通知", date(2024, 3, 9), Public.ACTIVE, 163),
    ("城政办发〔2024〕1号", "区政府办公室文件", "通知", date(2024, 1, 14), Public.ACTIVE, 289),
    ("城政办发〔2024〕2号", "区政府办公室文件", "通知", date(2024, 1, 24), Public.ACTIVE, 607),
    ("城政办发〔2024〕3号", "区政府办公室文件", "通知", date(2024, 2, 4), Public.ACTIVE, 849),
    ("城政办发〔2024〕4号", "区政府办公室文件", "通知", date(2024, 2, 5), Public.ACTIVE, 1050),
    ("城政办发〔2024〕5号", "区政府办公室文件", "通知", date(2024, 2, 22), Public.ACTIVE, 1100),
    ("城政办发〔2024〕7号", "区政府办公室文件", "通知", date(2024, 3, 15), Public.ACTIVE, 1162),
    ("城政办发〔2024〕8号", "区政府办公室文件", "通知", date(2024, 3, 8), Public.UNMARKED, 1572),
    ("城政办发〔2024〕9号", "区政府办公室文件", "通知", date(2024, 3, 19), Public.ACTIVE, 2132),
    ("城政发〔2024〕1号", "行政规范性文件", "意见", date(2024, 1, 30), Public.ACTIVE, 2525),
    ("城政办发〔2024〕6号", "行政规范性文件", "通知", date(2024, 3, 6), Public.ACTIVE, 2571),
]


def test_thirteen_documents_with_their_metadata(result: ParseResult) -> None:
    got = [
        (d.number, d.category, d.doc_type, d.signed_date, d.public, d.line_start)
        for d in result.documents
    ]
    assert got == EXPECTED
    for doc, entry in zip(result.documents, result.issue.toc, strict=True):
        assert doc.title == entry.title  # body heading (spaces removed) equals the contents line
        assert doc.issuer == (doc.title or "").split("关于")[0]


def test_attachments_have_their_own_titles(result: ParseResult) -> None:
    titles = {d.number: [a.title for a in d.attachments] for d in result.documents}
    assert titles["城政办发〔2024〕1号"] == ["晋城市城区重污染天气应急预案"]
    assert titles["城政办发〔2024〕7号"] == ["晋城市主城区集中式饮用水水源地突发环境事件应急预案"]
    assert titles["城政办发〔2024〕6号"] == ["晋城市城区市场主体应急周转资金管理办法"]
    assert titles["城政办发〔2024〕9号"] == ["2024年区《政府工作报告》任务分工"]
    assert titles["城政发〔2024〕2号"] == []
    assert titles["城政办发〔2024〕8号"] == []
    assert sum(len(t) for t in titles.values()) == 8


def test_three_repeals(result: ParseResult) -> None:
    repeals = [(d.number, r.number, r.title) for d in result.documents for r in d.repeals]
    assert repeals == [
        ("城政办发〔2024〕2号", "城政办发〔2016〕80号", "晋城市城区突发动物疫情应急预案"),
        (
            "城政办发〔2024〕8号",
            "城政办发〔2019〕40号",
            "晋城市城区人民政府办公室关于建立城区应急救援指挥体系的通知",
        ),
        (
            "城政发〔2024〕1号",
            "城政发〔2020〕15号",
            "关于进一步完善城区耕地开垦费征收的实施意见(试行)",
        ),
    ]


def test_effective_and_expiry_dates(result: ParseResult) -> None:
    dates = {d.number: (d.effective_date, d.validity, d.expiry_date) for d in result.documents}
    # 本实施意见从2024年3月1日起施行,有效期五年: in force 2024-03-01 through 2029-02-28
    assert dates["城政发〔2024〕1号"] == (date(2024, 3, 1), "有效期五年", date(2029, 2, 28))
    # 本办法自4月5日起施行,有效期5年 (year from its 成文日期 2024-03-06)
    assert dates["城政办发〔2024〕6号"] == (date(2024, 4, 5), "有效期5年", date(2029, 4, 4))
    # 未特别注明时限的,有效期至2024年6月30日
    assert dates["城政办发〔2024〕5号"] == (None, "有效期至2024年6月30日", date(2024, 6, 30))
    # 自印发之日起 / 自发布之日起 → the notice's 成文日期
    assert dates["城政办发〔2024〕1号"] == (date(2024, 1, 14), None, None)
    assert dates["城政办发〔2024〕2号"] == (date(2024, 1, 24), None, None)
    assert dates["城政办发〔2024〕7号"] == (date(2024, 3, 15), None, None)
    assert dates["城政办发〔2024〕8号"] == (date(2024, 3, 8), None, None)
    assert dates["城政发〔2024〕2号"] == (None, None, None)


def test_citations_keep_title_and_number(result: ParseResult) -> None:
    doc = result.documents[1]
    assert [(c.number, c.title) for c in doc.cites] == [
        ("国发〔2023〕18号", "国务院关于开展第四次全国文物普查的通知"),
        ("晋政发〔2024〕3号", "山西省人民政府关于做好山西省第四次全国文物普查工作的通知"),
        ("晋市政发〔2024〕4号", "晋城市人民政府关于做好晋城市第四次全国文物普查工作的通知"),
    ]
    measures = next(d for d in result.documents if d.number == "城政办发〔2024〕6号")
    assert [(c.number, c.title) for c in measures.cites] == [
        ("晋政办发〔2023〕55号", "关于印发<山西省企业资金链应急周转保障资金管理办法>的通知"),
    ]


def test_unparsed_is_empty(result: ParseResult) -> None:
    assert result.unparsed == ()


def test_no_warnings(result: ParseResult) -> None:
    assert result.warnings == ()


def test_every_line_is_accounted_for(result: ParseResult) -> None:
    """Never drop text: every non-blank source line lands in some span of the line map."""
    lines = read_gazette_issue(SOURCE).splitlines()
    covered: set[int] = set()
    for span in result.spans:
        covered.update(range(span.line_start, span.line_end + 1))
    missing = [n for n, line in enumerate(lines, start=1) if line.strip() and n not in covered]
    assert missing == []


def _cjk(text: str) -> list[str]:
    return sorted(ch for ch in text if "\u4e00" <= ch <= "\u9fff")


def test_clause_text_keeps_every_character(result: ParseResult) -> None:
    """The characters of the lines placed in clauses are exactly those of the clauses."""
    lines = read_gazette_issue(SOURCE).splitlines()
    for doc in result.documents:
        placed = [s for s in result.spans if s.role == "clause" and s.ref.startswith(doc.key + "#")]
        numbers = sorted({n for s in placed for n in range(s.line_start, s.line_end + 1)})
        source = "".join(lines[n - 1] for n in numbers)
        rendered = "".join((c.num or "") + (c.heading or "") + c.text for c in doc.all_clauses())
        assert _cjk(source) == _cjk(rendered), doc.number


def test_clause_ids_are_unique_and_cited_ones_exist(result: ParseResult) -> None:
    for doc in result.documents:
        eids = [c.eid for c in doc.all_clauses()]
        assert len(eids) == len(set(eids)), doc.number
    measures = next(d for d in result.documents if d.number == "城政办发〔2024〕6号")
    article = measures.clause("chp_3__art_15")
    assert article is not None
    assert article.heading == "申请"
    assert "贷款到期前10个工作日" in article.text
    plan = next(d for d in result.documents if d.number == "城政办发〔2024〕1号")
    section = plan.clause("sec_3__subsec_1")
    assert section is not None
    assert section.heading == "预警分级"
    assert plan.clause("sec_4__subsec_2__subsec_1__point_1__subpoint_2") is not None
