from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from chengqu.common import DomainError
from portal.core.tables import read_table


def test_a_gb18030_csv_from_an_office_machine_is_read_with_line_numbers(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("企业,金额\n甲公司,12.5\n\n乙公司,7\n".encode("gb18030"))
    rows = read_table(path, aliases={"企业": "id"})
    assert [(r.line, r.values) for r in rows] == [
        (2, {"id": "甲公司", "金额": "12.5"}),
        (4, {"id": "乙公司", "金额": "7"}),
    ]


def test_xlsx_numbers_become_exact_decimals(tmp_path):
    book = Workbook()
    book.active.append(["金额"])
    book.active.append([0.1])
    path = tmp_path / "t.xlsx"
    book.save(path)
    assert read_table(path)[0].values == {"金额": Decimal("0.1")}


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("t.txt", b"x", "不支持的文件格式"),
        ("t.csv", b"", "空文件"),
        ("t.xlsx", b"not a zip", "不是有效的 xlsx"),
        ("t.csv", b"a,a\n1,2\n", "表头重复"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DomainError) as caught:
        read_table(path)
    assert fragment in caught.value.message


def test_xlsx_dates_text_booleans_and_gaps_come_back_as_written(tmp_path):
    from datetime import date, datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "时间", "文本", "是否", "数量"])
    sheet.append([date(2024, 4, 30), datetime(2024, 3, 1, 9, 30), "  府城村 ", True, 1001])  # noqa: DTZ001
    sheet.append([None, None, None, None, 3])  # leading empty cells must not shift the columns
    path = tmp_path / "t.xlsx"
    book.save(path)
    rows = read_table(path)
    assert rows[0].values == {
        "日期": date(2024, 4, 30),
        "时间": datetime(2024, 3, 1, 9, 30),  # noqa: DTZ001 - a spreadsheet holds no time zone
        "文本": "府城村",
        "是否": True,
        "数量": Decimal(1001),
    }
    assert (rows[1].line, rows[1].values) == (3, {"数量": Decimal(3)})


def test_the_fast_xlsx_reader_agrees_with_openpyxl(tmp_path):
    from portal.core.tables import _xlsx_records_fast, _xlsx_records_openpyxl

    book = Workbook()
    sheet = book.active
    sheet.append(["a", "b", "c"])
    for i in range(200):
        sheet.append([f"企业{i}", i * 1.25, None if i % 3 else "x"])
    path = tmp_path / "t.xlsx"
    book.save(path)

    def trimmed(records):  # openpyxl pads a row to the sheet's width; both mean "empty"
        header, rows = records
        return header, [(line, _strip_trailing(cells)) for line, cells in rows]

    assert trimmed(_xlsx_records_fast(path)) == trimmed(_xlsx_records_openpyxl(path))


def _strip_trailing(cells):
    cells = list(cells)
    while cells and cells[-1] is None:
        cells.pop()
    return cells


@pytest.mark.parametrize("reader", ["_xlsx_records_fast", "_xlsx_records_openpyxl"])
def test_a_cell_shown_as_a_percentage_is_read_as_the_person_sees_it(tmp_path, reader):
    import portal.core.tables as tables

    book = Workbook()
    sheet = book.active
    sheet.append(["增速", "增速2", "自定义", "金额"])
    sheet.append([0.25, 0.125, 0.3, 0.25])
    sheet["A2"].number_format = "0%"
    sheet["B2"].number_format = "0.00%"
    sheet["C2"].number_format = '0.0"个百分点"%'
    path = tmp_path / "t.xlsx"
    book.save(path)
    _, rows = getattr(tables, reader)(path)
    # 0.25 shown as 25% is "25%", never the 0.25 that would read as a quarter of a percent;
    # a plain number in the same row stays a number.
    assert _strip_trailing(rows[0][1]) == ["25%", "12.5%", "30%", Decimal("0.25")]


def _hand_written_xlsx(path, sheet_rows: str) -> None:
    """A minimal workbook whose sheet XML is given as written by other tools (inline strings,
    rich text runs, formulas with their cached value), which openpyxl itself never writes."""
    import zipfile

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{ns}"><sheetData>{sheet_rows}</sheetData></worksheet>',
        )


def test_inline_strings_rich_text_and_formulas_are_read_as_shown(tmp_path):
    path = tmp_path / "other-tool.xlsx"
    _hand_written_xlsx(
        path,
        '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c r="B1" t="inlineStr"><is><t>金额</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>备注</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><r><t>府城</t></r><r><t xml:space="preserve"> 村 </t></r></is></c>'
        '<c r="B2"><f>SUM(1,1.5)</f><v>2.5</v></c><c r="C2" t="inlineStr"><is><t>A &amp; B</t></is></c></row>'
        '<row r="4"><c r="B4" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="C4"><f>1/0</f></c></row>',
    )
    rows = read_table(path)
    assert [(r.line, r.values) for r in rows] == [
        (2, {"名称": "府城 村", "金额": Decimal("2.5"), "备注": "A & B"}),
        (4, {"金额": "xy"}),  # a formula without a cached value is a blank cell
    ]


_CELL_VALUES = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from("府城村企业A9 &<>\"'\r\n\t;%#x"), max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.decimals(
        min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False
    ).map(float),
    st.booleans(),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.lists(_CELL_VALUES, min_size=1, max_size=6), min_size=1, max_size=8),
    st.booleans(),
    st.sets(st.integers(min_value=0, max_value=5), max_size=2),
)
def test_the_sheet_read_as_text_equals_the_sheet_read_with_lxml(
    tmp_path, table, write_only, percent_columns
):
    """The text reader (regular expressions over the sheet XML) gives what lxml gives, cell for
    cell, for sheets as openpyxl writes them: shared strings or inline strings, entities, line
    breaks, numbers, booleans, dates, gaps and cells shown as percentages."""
    import portal.core.tables as tables

    book = Workbook(write_only=write_only)
    sheet = book.create_sheet() if write_only else book.active
    sheet.append(["名称", "b", "c", "d", "e", "f"])
    for values in table:
        if write_only:
            sheet.append(values)
            continue
        sheet.append(values)
        for column in percent_columns:
            sheet.cell(row=sheet.max_row, column=column + 1).number_format = "0.00%"
    path = tmp_path / f"t{len(table)}{write_only}.xlsx"
    book.save(path)
    by_text = tables._xlsx_records_fast(path)
    real = tables._sheet_rows_by_text
    try:
        tables._sheet_rows_by_text = lambda *args: None
        by_lxml = tables._xlsx_records_fast(path)
    finally:
        tables._sheet_rows_by_text = real
    assert by_text == by_lxml


def test_a_sheet_the_text_reader_does_not_know_is_read_with_lxml(tmp_path):
    path = tmp_path / "prefixed.xlsx"
    _hand_written_xlsx(
        path,
        '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c t="inlineStr" r="B1"><is><t>金额</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>R&amp;D &#x5E9C;</t></is></c><c r="B2" s="0" cm="1"><v>7</v></c></row>',
    )
    import portal.core.tables as tables

    raw = tables._sheet_rows_by_text
    with_text = raw(_sheet_xml(path), [], set(), set(), False)  # noqa: FBT003
    assert with_text is None  # attributes in another order, an unknown attribute
    assert [(r.line, r.values) for r in read_table(path)] == [
        (2, {"名称": "R&D 府", "金额": Decimal(7)})
    ]


def _sheet_xml(path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")
