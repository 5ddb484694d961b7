"""Conversion damage in the bundled issue, case by case, with the line it happens on."""

from __future__ import annotations

import pytest

from chengqu.data import read_gazette_issue
from chengqu.gazette import Document, ParseResult, parse_issue
from chengqu.gazette.text import clean_line


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return parse_issue(read_gazette_issue("gazette-2024-1.txt"))


def doc(result: ParseResult, number: str) -> Document:
    return next(d for d in result.documents if d.number == number)


def text_of(document: Document, eid: str) -> str:
    clause = document.clause(eid)
    assert clause is not None, eid
    return clause.text


def test_line_broken_mid_sentence_is_rejoined(result: ParseResult) -> None:
    # lines 91/93: "…确保山西金秋铸造有限公司" | "年产11万吨铸造技术改造项目顺利实施…"
    assert "确保山西金秋铸造有限公司年产11万吨铸造技术改造项目顺利实施" in text_of(
        doc(result, "城政发〔2024〕2号"), "intro"
    )


def test_article_broken_mid_word_is_rejoined(result: ParseResult) -> None:
    # lines 2589/2591: "第一条 为着力解决我区市场主体融资难、融" | "资成本高的问题…"
    article = doc(result, "城政办发〔2024〕6号").clause("chp_1__art_1")
    assert article is not None
    assert article.heading is None
    assert article.text.startswith("为着力解决我区市场主体融资难、融资成本高的问题")


def test_heading_split_across_page_break(result: ParseResult) -> None:
    # lines 2251/2253: "(五)区物业事务服务中心牵头的工作(责任领" | "导:赵晋梁)"
    work = doc(result, "城政办发〔2024〕9号").clause("para_3__subpara_5")
    assert work is not None
    assert work.heading == "区物业事务服务中心牵头的工作(责任领导:赵晋梁)"


def test_item_broken_at_page_width_is_one_sentence(result: ParseResult) -> None:
    # lines 1322/1324: "(4) 向受到危害的人员提供避难场所和生活必" | "需品及其他保障措施。…"
    point = doc(result, "城政办发〔2024〕7号").clause("sec_5__subsec_1__subsec_1__point_4")
    assert point is not None
    assert point.heading is None
    assert point.text.startswith("向受到危害的人员提供避难场所和生活必需品及其他保障措施。")


def test_hard_wrapped_paragraph_without_blank_lines(result: ParseResult) -> None:
    # lines 955-965: one paragraph wrapped every ~22 characters, with a URL inside
    clause = doc(result, "城政办发〔2024〕3号").clause("para_5__subpara_1")
    assert clause is not None
    assert clause.heading == "集中开展大排查行动"
    assert "全面发动场所自查自改突出风险隐患" in clause.text
    assert "https://pan.baidu.com/s/1SVZkhIX2HIC-GY01ti6IPSA?pwd=x1qj" in clause.text
    assert clause.text.endswith("区政府组织相关部门联合查处。")


def test_bold_markers_glued_to_headings_are_split(result: ParseResult) -> None:
    # line 2259: "四、区委常委、副区长郭晓晨负责的工作**(一)区教育和科学技术局牵头的工作(责任领导:王孟)**"
    tasks = doc(result, "城政办发〔2024〕9号")
    para = tasks.clause("para_4")
    sub = tasks.clause("para_4__subpara_1")
    assert para is not None
    assert sub is not None
    assert para.heading == "区委常委、副区长郭晓晨负责的工作"
    assert sub.heading == "区教育和科学技术局牵头的工作(责任领导:王孟)"
    assert not any("**" in c.text or "**" in (c.heading or "") for c in tasks.all_clauses())


def test_spaces_inside_headings_are_removed(result: ParseResult) -> None:
    # line 2587 "第一章 总 则"; line 85 "晋城市城区人民政府 关于…铸造 技术改造…的批复"
    chapter = doc(result, "城政办发〔2024〕6号").clause("chp_1")
    assert chapter is not None
    assert chapter.heading == "总则"
    assert doc(result, "城政发〔2024〕2号").title == (
        "晋城市城区人民政府关于山西金秋铸造有限公司年产11万吨铸造技术改造项目区域污染源削减方案的批复"
    )


def test_full_width_punctuation_reads_the_same(result: ParseResult) -> None:
    # line 2146 "（此件公开发布）" in full-width; line 2154 "（一）"
    tasks = doc(result, "城政办发〔2024〕9号")
    assert str(tasks.public) == "主动公开"
    assert tasks.addressees == ("北石店镇人民政府", "各街道办事处", "区直各单位")
    assert tasks.clause("para_1__subpara_1") is not None


def test_latex_fragments_become_plain_text(result: ParseResult) -> None:
    # line 353 "(1) 细颗粒物($PM_{2.5}$)…"; line 357 "日 $AQI > 200$"; line 363 "臭氧(O_3)"
    plan = doc(result, "城政办发〔2024〕1号")
    first = plan.clause("sec_3__subsec_1__point_1")
    second = plan.clause("sec_3__subsec_1__point_2")
    assert first is not None
    assert second is not None
    assert first.heading == "细颗粒物(PM2.5)为首要污染物的重污染天气"
    assert "以预测日 AQI > 200 或日 AQI > 150 持续48小时" in first.text
    assert second.heading == "臭氧(O3)为首要污染物的重污染天气"
    assert "$" not in "".join(c.text for c in plan.all_clauses())


def test_clean_line_units() -> None:
    assert clean_line("细颗粒物($PM_{2.5}$)") == ["细颗粒物(PM2.5)"]
    assert clean_line("- (1)当发布黄色预警时") == ["(1)当发布黄色预警时"]
    assert clean_line("网 址:<http://www.jccq.gov.cn>") == ["网 址:http://www.jccq.gov.cn"]
    assert clean_line("**一、总则**") == ["一、总则"]


def test_mangled_table_is_repaired(result: ParseResult) -> None:
    # lines 1588-1624: a member table whose cells swallowed two paragraphs, the second broken
    # off mid-word ("…下设办公" | "室,办公室设在区应急管理局…")
    para = doc(result, "城政办发〔2024〕8号").clause("para_1")
    assert para is not None
    rows = para.text.split("\n")
    assert "副总指挥:张海忠\t区委常委、副区长\t杨顺龙\t区消防救援大队队长" in rows
    assert "焦冬栋\t区生态环境分局局长" in rows
    assert any(
        r.startswith("总指挥部主要职责:加挂区减灾委员会牌子") and r.endswith("其他重大事项。")
        for r in rows
    )
    assert (
        "区应急救援总指挥部(区减灾委员会)下设办公室,办公室设在区应急管理局,由区应急管理局局长姚林云兼任办公室主任。"
        in rows
    )


def test_repeal_sentence_broken_after_a_date(result: ParseResult) -> None:
    # lines 845/847: "本预案自印发之日起实施。2016年11月24日" | "印发的《…》(城政办发〔2016〕80号)同时废止。"
    plan = doc(result, "城政办发〔2024〕2号")
    assert [r.number for r in plan.repeals] == ["城政办发〔2016〕80号"]
    assert plan.signed_date is not None
    assert (
        plan.signed_date.isoformat() == "2024-01-24"
    )  # the 2016 date is not taken for a signature


def test_member_lists_stay_one_per_line(result: ParseResult) -> None:
    # lines 1703-1711: "指挥长:冯晓伟 区委常委、常务副区长" / "刘小虎 副区长、…" without blank lines
    item = doc(result, "城政办发〔2024〕8号").clause("para_2__subpara_3__item_1")
    assert item is not None
    assert item.text.split("\n")[:3] == [
        "指挥长:冯晓伟 区委常委、常务副区长",
        "刘小虎 副区长、负责北石店镇党委工作",
        "副指挥长:刘杰 区政府办副科级干部",
    ]
