"""Hostile uploads: zip bombs, lying zip headers, XML entity bombs, external entities, junk, cut-off
files, oversize bodies and wrong columns are each refused with a clear Chinese message that names
the file (400 on the API, an error on the page), never a 500 and never by unpacking them; a
legitimate file still reads.

Every hostile file is built here, small (deflate of repeated bytes); none is committed.
"""

from __future__ import annotations

import io
import struct
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from chengqu.common import DomainError
from portal.accounts.roles import Role
from portal.core import tables
from portal.core.tables import read_table
from portal.incentives.models import BatchRun

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>企业标识</t></is></c></row>'

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def sheet_xml(rows: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return f'{prolog}<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()


def workbook(
    path: Path, sheet: bytes, shared: bytes | None = None, level: int | None = None
) -> Path:
    """A minimal .xlsx by hand: the parts above, the given sheet and optionally shared strings."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return path


def bomb(path: Path, unpacked: int, level: int = 1) -> Path:
    """A workbook whose sheet unpacks to ``unpacked`` bytes of one endless row (written streamed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            head = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode()
            sheet.write(head)
            chunk = b"<c/>" * (1 << 18)
            left = unpacked - len(head)
            while left > 0:
                sheet.write(chunk[:left])
                left -= len(chunk)
    return path


def refused(path: Path) -> DomainError:
    with pytest.raises(DomainError) as caught:
        read_table(path)
    return caught.value


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    # 201 MB of sheet XML in about 1 MB: past the 200 MB limit of one part.
    return bomb(tmp_path_factory.mktemp("bomb") / "炸弹.xlsx", tables.MAX_PART_BYTES + (1 << 20))


# ---------------------------------------------------------------- the reader


def test_a_zip_bomb_is_refused_from_its_declared_size_before_it_is_unpacked(zip_bomb):
    assert zip_bomb.stat().st_size < 2 * 1024 * 1024
    error = refused(zip_bomb)
    assert error.code == "table.xlsx"
    assert "炸弹.xlsx" in error.message
    assert "解压后" in error.message
    assert "200 MB 上限" in error.message


def test_a_part_that_unpacks_hundreds_of_times_its_size_is_refused_as_a_bomb(tmp_path):
    path = bomb(tmp_path / "比例.xlsx", 20 * 1024 * 1024, level=9)  # ~1000:1, under the size limit
    error = refused(path)
    assert "比例.xlsx" in error.message
    assert "压缩比异常" in error.message


def _patch_declared_size(path: Path, part: str, size: int) -> None:
    """Rewrite the uncompressed size that the zip's local and central headers declare for ``part``."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:  # central directory entries
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == name:
            struct.pack_into("<L", data, at + 24, size)
            local = struct.unpack_from("<L", data, at + 42)[0]
            struct.pack_into("<L", data, local + 22, size)
        at += 4
    path.write_bytes(bytes(data))


def test_a_zip_whose_header_hides_a_bomb_is_read_no_further_than_it_declares(tmp_path):
    # 20 MB of sheet, declared as 2 KB: zipfile stops at 2 KB, and the CRC of 2 KB does not match.
    path = bomb(tmp_path / "谎报.xlsx", 20 * 1024 * 1024, level=6)
    _patch_declared_size(path, "xl/worksheets/sheet1.xml", 2048)
    error = refused(path)
    assert error.code == "table.xlsx"
    assert "谎报.xlsx" in error.message
    assert "不是有效的 xlsx" in error.message
    assert "内容已损坏" in error.message


def test_a_zip_whose_header_claims_more_than_the_limit_is_refused(tmp_path):
    path = workbook(tmp_path / "夸大.xlsx", sheet_xml(HEADER_ROW))
    _patch_declared_size(path, "xl/worksheets/sheet1.xml", tables.MAX_PART_BYTES + 1)
    error = refused(path)
    assert "夸大.xlsx" in error.message
    assert "上限" in error.message


LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("prolog", "entity"), [(LAUGHS, "&lol9;"), (EXTERNAL, "&xxe;")], ids=["laughs", "external"]
)
def test_entities_in_the_sheet_are_refused_not_expanded(tmp_path, prolog, entity):
    rows = HEADER_ROW + f'<row r="2"><c r="A2" t="inlineStr"><is><t>{entity}</t></is></c></row>'
    path = workbook(tmp_path / "实体.xlsx", sheet_xml(rows, prolog))
    error = refused(path)
    assert "实体.xlsx" in error.message
    assert "xl/worksheets/sheet1.xml" in error.message
    assert "DTD" in error.message
    assert "root:" not in error.message


@pytest.mark.parametrize(
    ("prolog", "entity"), [(LAUGHS, "&lol9;"), (EXTERNAL, "&xxe;")], ids=["laughs", "external"]
)
def test_entities_in_the_shared_strings_are_refused_not_expanded(tmp_path, prolog, entity):
    shared = f'{prolog}<sst xmlns="{MAIN}"><si><t>企业标识</t></si><si><t>{entity}</t></si></sst>'.encode()
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    )
    error = refused(workbook(tmp_path / "共享.xlsx", sheet_xml(rows), shared))
    assert "共享.xlsx" in error.message
    assert "xl/sharedStrings.xml" in error.message


def test_a_dtd_in_utf16_is_seen_too(tmp_path):
    text = sheet_xml(
        HEADER_ROW, EXTERNAL.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    ).decode()
    error = refused(workbook(tmp_path / "u16.xlsx", text.encode("utf-16")))
    assert "DTD" in error.message


def test_a_dtd_in_a_part_only_openpyxl_reads_is_refused_before_openpyxl_reads_it(tmp_path):
    # The workbook part is missing where the fast reader looks, so openpyxl would read the file.
    path = tmp_path / "旁路.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml", EXTERNAL + PARTS["[Content_Types].xml"].split("?>", 1)[1]
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml(HEADER_ROW))
    error = refused(path)
    assert "旁路.xlsx" in error.message
    assert "[Content_Types].xml" in error.message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"\x00\x01junk" * 100, "不是有效的 xlsx"),
        (b"PK\x03\x04" + b"\x00" * 200, "不是有效的 xlsx"),
    ],
    ids=["junk", "zip-start-only"],
)
def test_junk_named_xlsx_is_refused(tmp_path, content, fragment):
    path = tmp_path / "垃圾.xlsx"
    path.write_bytes(content)
    error = refused(path)
    assert fragment in error.message
    assert "垃圾.xlsx" in error.message


def test_a_truncated_workbook_is_refused(tmp_path):
    book = Workbook()
    book.active.append(["企业标识"])
    for i in range(2000):
        book.active.append([f"E{i}"])
    whole = tmp_path / "whole.xlsx"
    book.save(whole)
    data = whole.read_bytes()
    for cut in (len(data) // 2, len(data) - 30):
        path = tmp_path / "截断.xlsx"
        path.write_bytes(data[:cut])
        error = refused(path)
        assert "截断.xlsx" in error.message
        assert "不是有效的 xlsx" in error.message


def test_a_zip_that_lists_too_many_parts_is_refused_before_zipfile_reads_its_list(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(tables, "MAX_MEMBERS", 50)
    path = workbook(tmp_path / "部件.xlsx", sheet_xml(HEADER_ROW))
    with zipfile.ZipFile(path, "a") as archive:
        for i in range(60):
            archive.writestr(f"junk/{i}.bin", b"")
    error = refused(path)
    assert "部件.xlsx" in error.message
    assert "50 个上限" in error.message


def test_rows_columns_and_cells_past_their_limits_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    csv_path = tmp_path / "行.csv"
    csv_path.write_text("企业标识\n" + "E\n" * 6, encoding="utf-8")
    assert "超过 5 行上限" in refused(csv_path).message
    csv_path.write_text("企业标识\n" + "E\n" * 5, encoding="utf-8")
    assert len(read_table(csv_path)) == 5
    rows = HEADER_ROW + "".join(
        f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(2, 9)
    )
    assert "超过 5 行上限" in refused(workbook(tmp_path / "行.xlsx", sheet_xml(rows))).message

    monkeypatch.setattr(tables, "MAX_COLUMNS", 30)
    far = HEADER_ROW + '<row r="2"><c r="AZ2"><v>1</v></c></row>'  # column 52: 51 blanks before it
    assert (
        "第 2 行超过 30 列上限" in refused(workbook(tmp_path / "列.xlsx", sheet_xml(far))).message
    )

    monkeypatch.setattr(tables, "MAX_COLUMNS", 2_000)
    monkeypatch.setattr(tables, "MAX_CELLS", 100)
    flood = (
        HEADER_ROW + '<row r="2">' + "<c><v>1</v></c>" * 200 + "</row>"
    )  # one row, no references
    assert (
        "单元格超过 100 个上限" in refused(workbook(tmp_path / "格.xlsx", sheet_xml(flood))).message
    )


def test_a_sheet_read_by_lxml_cannot_hide_a_flood_in_one_row(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROW_BYTES", 1000)
    # A formula sends the sheet to lxml, which builds a row whole before the reader sees it.
    flood = HEADER_ROW + '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c>' + "<x/>" * 400 + "</row>"
    error = refused(workbook(tmp_path / "洪水.xlsx", sheet_xml(flood)))
    assert "洪水.xlsx" in error.message
    assert "超过" in error.message


def test_a_csv_with_a_field_past_the_csv_limit_is_refused_not_a_crash(tmp_path):
    path = tmp_path / "长.csv"
    path.write_text('企业标识\n"' + "x" * 200_000 + '"\n', encoding="utf-8")
    error = refused(path)
    assert error.code == "table.csv"
    assert error.message == "长.csv 第 2 行无法读取: 单元格超过 131,072 个字符"


def test_a_legitimate_workbook_still_reads_after_all_this(tmp_path):
    shared = f'<sst xmlns="{MAIN}"><si><t>企业标识</t></si><si><t>金额</t></si><si><t>甲公司</t></si></sst>'.encode()
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>12.5</v></c></row>'
    )
    path = workbook(tmp_path / "正常.xlsx", sheet_xml(rows), shared)
    assert [(r.line, r.values) for r in read_table(path)] == [
        (2, {"企业标识": "甲公司", "金额": Decimal("12.5")})
    ]


@pytest.mark.parametrize("text", ["&#0;", "&#1;", "&#x1F;", "&#xFFFE;", "\x01"])
def test_a_character_xml_does_not_allow_is_refused_not_read_into_a_cell(tmp_path, text):
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c></row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>甲{text}公司</t></is></c></row>'
    )
    error = refused(workbook(tmp_path / "控制符.xlsx", sheet_xml(rows)))
    assert "控制符.xlsx" in error.message


def test_characters_xml_allows_still_read_whether_literal_or_referenced(tmp_path):
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>甲&#x1F600;公司&#20013;\t</t></is></c></row>'
    )
    path = workbook(tmp_path / "正常字符.xlsx", sheet_xml(rows))
    assert [r.values for r in read_table(path)] == [{"企业名称": "甲\U0001f600公司中"}]


# ---------------------------------------------------------------- the pages and the API

CSV = "企业标识,企业名称,一季度完成投资额(元)\nE1,甲公司,60000000\n".encode()


@pytest.fixture
def lead_unit(db, unit, make_user, login):
    return login(make_user("swj-user", Role.UNIT, department=unit("swj", "区商务局", "organ")))


def page(client, name: str, data: bytes, as_of: str = "2024-07-15"):
    return client.post(
        "/incentives/batch/", {"file": SimpleUploadedFile(name, data), "as_of": as_of}
    )


def api(client, name: str, data: bytes):
    return client.post(
        "/api/v1/incentives/batches",
        {"file": SimpleUploadedFile(name, data), "as_of": "2024-07-15"},
    )


def test_the_zip_bomb_answers_400_on_the_api_and_an_error_on_the_page(lead_unit, zip_bomb):
    data = zip_bomb.read_bytes()
    response = api(lead_unit, "炸弹.xlsx", data)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "table.xlsx"
    assert body["field"] == "file"
    assert "炸弹.xlsx" in body["message"]
    assert "200 MB 上限" in body["message"]
    html = page(lead_unit, "炸弹.xlsx", data, as_of="2024-07-01").content.decode()
    assert 'role="alert"' in html
    assert "炸弹.xlsx" in html
    assert 'value="2024-07-01"' in html  # the form keeps what was entered
    assert BatchRun.objects.count() == 0


@pytest.mark.parametrize("name", ["实体.xlsx", "垃圾.xlsx", "截断.xlsx"])
def test_hostile_files_answer_400_on_the_api_naming_the_file(lead_unit, tmp_path, name):
    if name == "实体.xlsx":
        rows = HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        data = workbook(tmp_path / name, sheet_xml(rows, LAUGHS)).read_bytes()
    elif name == "垃圾.xlsx":
        data = b"\x00\x01junk" * 100
    else:
        data = workbook(tmp_path / name, sheet_xml(HEADER_ROW * 50)).read_bytes()[:-40]
    response = api(lead_unit, name, data)
    assert response.status_code == 400, response.content
    assert name in response.json()["message"]
    assert response.json()["field"] == "file"


def test_a_file_past_the_upload_limit_is_dropped_as_it_arrives(lead_unit, settings):
    settings.CHENGQU_UPLOAD_MAX_FILE_BYTES = 10 * 1024
    big = CSV + b"E2,\xe4\xb9\x99,1\n" * 2_000  # about 24 KB
    response = api(lead_unit, "大文件.csv", big)
    assert response.status_code == 400
    assert response.json() == {
        "code": "upload.too_large",
        "message": "大文件.csv 超过 10 KB 上限, 请压缩或分批上传",
        "field": "file",
    }
    html = page(lead_unit, "大文件.csv", big, as_of="2024-07-02").content.decode()
    assert 'role="alert"' in html
    assert "大文件.csv 超过" in html
    assert 'value="2024-07-02"' in html
    assert BatchRun.objects.count() == 0
    # A file within the limit still goes through.
    assert page(lead_unit, "小文件.csv", CSV).status_code == 302


def test_a_body_past_the_request_limit_is_refused_from_its_content_length(lead_unit, settings):
    settings.CHENGQU_UPLOAD_MAX_REQUEST_BYTES = 10_000
    big = CSV + "E2,乙公司,1\n".encode() * 2_000
    response = api(lead_unit, "整批.csv", big)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload.too_large"
    assert "整批.csv" in body["message"]
    assert "本次上传共" in body["message"]


def test_a_signed_out_oversize_upload_is_answered_401_as_any_signed_out_request(
    client, db, settings
):
    settings.CHENGQU_UPLOAD_MAX_FILE_BYTES = 1_000
    assert api(client, "a.csv", CSV * 200).status_code == 401


def test_claim_documents_past_the_limit_are_refused_on_the_page(
    db, unit, make_user, login, settings
):
    settings.CHENGQU_UPLOAD_MAX_FILE_BYTES = 1_000
    client = login(
        make_user(
            "acme-user",
            Role.ENTERPRISE,
            department=unit("acme", "城区甲演艺有限公司", "enterprise"),
        )
    )
    response = client.post(
        "/incentives/claims/new/",
        {
            "measure": "1",
            "q1_investment": "60000000",
            "documents": SimpleUploadedFile("证明.pdf", b"%PDF" + b"x" * 5_000),
        },
    )
    assert response.status_code in {200, 400}
    assert "证明.pdf 超过" in response.content.decode()


def test_claim_documents_past_the_limit_answer_400_on_the_api_and_nothing_is_claimed(
    db, unit, make_user, login, settings
):
    from portal.incentives.models import Claim

    settings.CHENGQU_UPLOAD_MAX_FILE_BYTES = 1_000
    client = login(
        make_user(
            "acme-user",
            Role.ENTERPRISE,
            department=unit("acme", "城区甲演艺有限公司", "enterprise"),
        )
    )
    response = client.post(
        "/api/v1/incentives/claims",
        {
            "measure": "14",
            "facts": '{"tourism_show_performances_h1": "100"}',
            "documents": [
                SimpleUploadedFile("小.pdf", b"%PDF"),
                SimpleUploadedFile("大.pdf", b"%PDF" + b"x" * 5_000),
            ],
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "upload.too_large",
        "message": "大.pdf 超过 1 KB 上限, 请压缩或分批上传",
        "field": "documents",
    }
    assert Claim.objects.count() == 0


def test_a_file_of_the_wrong_columns_is_refused_naming_the_file(lead_unit):
    response = api(lead_unit, "错表.csv", "姓名,年龄\n张三,30\n".encode())
    assert response.status_code == 400
    assert "错表.csv" in response.json()["message"]
    assert "没有可识别的列" in response.json()["message"]
    html = page(lead_unit, "错表.csv", "姓名,年龄\n张三,30\n".encode()).content.decode()
    assert "错表.csv 没有可识别的列" in html


def test_a_legitimate_workbook_still_runs_as_a_batch(lead_unit, tmp_path):
    book = Workbook()
    book.active.append(["企业标识", "企业名称", "一季度完成投资额(元)"])
    book.active.append(["E1", "甲公司", 60000000])
    stream = io.BytesIO()
    book.save(stream)
    response = api(lead_unit, "名单.xlsx", stream.getvalue())
    assert response.status_code == 201, response.content
    assert response.json()["total"] == "120000.00"


@pytest.mark.parametrize(
    ("url", "data", "name"),
    [
        ("/relics/import/", {}, "名录.xlsx"),
        ("/air/list/", {"op": "import", "year": "2024"}, "清单.xlsx"),
        ("/admin/gazette/issue/ingest/", {}, "公报.txt"),
    ],
    ids=["relics-import", "air-list", "gazette-ingest"],
)
def test_every_other_upload_page_refuses_an_oversize_file_naming_it(
    db, make_user, login, settings, url, data, name
):
    settings.CHENGQU_UPLOAD_MAX_FILE_BYTES = 1_000
    client = login(make_user("admin", Role.ADMIN, is_superuser=True))
    response = client.post(
        url, {**data, "file": SimpleUploadedFile(name, b"x" * 5_000)}, follow=True
    )
    assert response.status_code in {200, 400}
    assert f"{name} 超过 1 KB 上限" in response.content.decode()


def test_a_hostile_workbook_on_the_relics_import_page_is_a_page_error_naming_it(
    db, make_user, login, zip_bomb
):
    client = login(make_user("admin", Role.ADMIN, is_superuser=True))
    response = client.post(
        "/relics/import/", {"file": SimpleUploadedFile("名录.xlsx", zip_bomb.read_bytes())}
    )
    assert response.status_code == 400
    assert "名录.xlsx 中的 xl/worksheets/sheet1.xml 解压后有" in response.content.decode()
