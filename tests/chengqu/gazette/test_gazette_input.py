"""Bad input is refused with a clear code; GBK and BOM input parse like UTF-8."""

from __future__ import annotations

import pytest

from chengqu.common.errors import DomainError
from chengqu.data import read_gazette_issue
from chengqu.gazette import parse_issue, to_json

ISSUE = read_gazette_issue("gazette-2024-1.txt")

NOTICE = """晋城市城区人民政府办公室
关于做好春节期间安全工作的通知
城政办发［2024］10号
各街道办事处：
一、加强值班。各单位要严格落实值班制度。
二、强化检查。
晋城市城区人民政府办公室
二○二四年二月一日
"""


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "gazette.empty"),
        (b"  \n\r\n\t ", "gazette.empty"),
        ("", "gazette.empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "gazette.binary"),
        (bytes(range(256)) * 4, "gazette.binary"),
        (b"\xa1\xff\x80\xff" * 50, "gazette.undecodable"),
        ("今天天气很好，我们去公园散步。\n晚上吃饺子。\n", "gazette.not_a_document"),
        (b"Lorem ipsum dolor sit amet.\n" * 20, "gazette.not_a_document"),
    ],
)
def test_bad_input_has_a_clear_error(data: bytes | str, code: str) -> None:
    with pytest.raises(DomainError) as err:
        parse_issue(data)
    assert err.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message)  # a Chinese message


def test_gb18030_bytes_parse_identically_to_utf8() -> None:
    assert to_json(parse_issue(ISSUE.encode("gb18030"))) == to_json(
        parse_issue(ISSUE.encode("utf-8"))
    )


def test_gbk_bytes_parse_identically_to_utf8() -> None:
    gbk = NOTICE.encode("gbk")
    assert to_json(parse_issue(gbk)) == to_json(parse_issue(NOTICE))


def test_utf8_bom_and_crlf_are_accepted() -> None:
    data = ("\ufeff" + NOTICE.replace("\n", "\r\n")).encode("utf-8")
    assert to_json(parse_issue(data)) == to_json(parse_issue(NOTICE))


def test_a_single_notice_without_an_issue() -> None:
    result = parse_issue(NOTICE)
    (doc,) = result.documents
    assert doc.number == "城政办发〔2024〕10号"  # ［］ normalised
    assert doc.title == "晋城市城区人民政府办公室关于做好春节期间安全工作的通知"
    assert doc.signed_date is not None
    assert doc.signed_date.isoformat() == "2024-02-01"  # 二○二四年二月一日
    assert doc.issuer == "晋城市城区人民政府办公室"
    assert [c.eid for c in doc.clauses] == ["para_1", "para_2"]
    assert result.issue.title is None  # no cover: issue fields unknown, not invented


def test_a_document_without_a_number_is_kept_with_number_null() -> None:
    text = "晋城市城区人民政府关于表彰先进集体的决定\n各街道办事处：\n现决定表彰如下单位。\n晋城市城区人民政府\n2024年2月1日\n"
    (doc,) = parse_issue(text).documents
    assert doc.number is None
    assert (doc.code, doc.year, doc.seq) == (None, None, None)
    assert doc.doc_type == "决定"
    assert to_json(parse_issue(text))["documents"][0]["number"] is None


def test_unplaceable_text_is_kept_with_line_numbers() -> None:
    text = "某某内部资料 第3页\n\n" + NOTICE
    result = parse_issue(text)
    assert [(u.line_start, u.line_end, u.text) for u in result.unparsed] == [
        (1, 1, "某某内部资料 第3页")
    ]
