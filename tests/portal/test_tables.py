from decimal import Decimal

import pytest
from openpyxl import Workbook

from chengqu.common import DomainError
from portal.core.tables import read_table


def test_a_gb18030_csv_from_an_office_machine_is_read_with_line_numbers(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("企业,金额\n甲公司,12.5\n\n乙公司,7\n".encode("gb18030"))
    rows = read_table(path, aliases={"企业": "id"})
    assert [(r.line, r.values) for r in rows] == [(2, {"id": "甲公司", "金额": "12.5"}), (4, {"id": "乙公司", "金额": "7"})]


def test_xlsx_numbers_become_exact_decimals(tmp_path):
    book = Workbook()
    book.active.append(["金额"])
    book.active.append([0.1])
    path = tmp_path / "t.xlsx"
    book.save(path)
    assert read_table(path)[0].values == {"金额": Decimal("0.1")}


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("t.txt", b"x", "不支持的文件格式"),
    ("t.csv", b"", "空文件"),
    ("t.xlsx", b"not a zip", "不是有效的 xlsx"),
    ("t.csv", b"a,a\n1,2\n", "表头重复"),
])
def test_bad_files_are_refused_with_a_reason(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DomainError) as caught:
        read_table(path)
    assert fragment in caught.value.message
