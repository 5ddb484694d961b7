"""Pages: the permission matrix, census teams confined to their area, the public register, import and export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from portal.audit.models import AuditEntry
from portal.relics.models import Reexamination, Relic
from portal.relics.services import relic_publish

pytestmark = pytest.mark.django_db

ANON = "anonymous"


def client_for(client, world, who: str):
    if who != ANON:
        client.force_login(getattr(world, who), backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def bsd_relic(world, make_relic):
    return make_relic(name="府城玉皇庙")


# who → expected status of: register list, detail of a 北石店镇 record, review queue, import page
MATRIX = {
    ANON: (302, 302, 302, 302),
    "outsider": (403, 403, 403, 403),
    "team_bsd": (200, 200, 403, 403),
    "team_xj": (200, 404, 403, 403),
    "expert": (200, 200, 200, 403),
    "auditor": (200, 200, 403, 403),
    "bureau": (200, 200, 200, 200),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_permission_matrix(client, world, bsd_relic, who):
    c = client_for(client, world, who)
    got = (
        c.get("/relics/register/").status_code,
        c.get(f"/relics/r/{bsd_relic.pk}/").status_code,
        c.get("/relics/review/").status_code,
        c.get("/relics/import/").status_code,
    )
    assert got == MATRIX[who]


def test_a_street_team_does_not_see_a_towns_records_in_the_list_files_or_exports(
    client, world, bsd_relic
):
    c = client_for(client, world, "team_xj")
    assert "府城玉皇庙" not in c.get("/relics/register/").content.decode()
    assert c.get(f"/relics/file/{bsd_relic.files.get().pk}/").status_code == 404
    book = load_workbook(io.BytesIO(c.get("/relics/export/register.xlsx").content))
    assert "府城玉皇庙" not in [cell.value for row in book.active.iter_rows() for cell in row]
    response = c.post(f"/relics/r/{bsd_relic.pk}/reexamine/", {"outcome": "as_recorded"})
    assert response.status_code == 404
    assert Reexamination.objects.count() == 0


def test_the_town_team_reexamines_its_relic_on_the_page(client, world, bsd_relic):
    c = client_for(client, world, "team_bsd")
    response = c.post(
        f"/relics/r/{bsd_relic.pk}/reexamine/",
        {
            "outcome": "damaged",
            "cause": "human",
            "changes": "石碑被盗",
            "examined_on": "2024-09-01",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "复查结果已登记" in response.content.decode()
    assert bsd_relic.cases.count() == 1
    assert "调查处理中" in response.content.decode()


def test_the_auditor_cannot_write(client, world, bsd_relic):
    c = client_for(client, world, "auditor")
    assert (
        c.post(f"/relics/r/{bsd_relic.pk}/reexamine/", {"outcome": "as_recorded"}).status_code
        == 403
    )
    assert c.post(f"/relics/r/{bsd_relic.pk}/edit/", {"name": "改名"}).status_code == 403


def test_a_bad_coordinate_on_the_form_shows_the_message_and_keeps_the_input(client, world):
    c = client_for(client, world, "team_bsd")
    response = c.post(
        "/relics/new/",
        {"department": world.bsd.pk, "name": "窑址", "longitude": "35.5", "latitude": "112.85"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "经纬度顺序颠倒" in page
    assert 'value="窑址"' in page
    assert Relic.objects.count() == 0


def test_a_team_cannot_create_a_record_in_another_area(client, world):
    c = client_for(client, world, "team_bsd")
    response = c.post("/relics/new/", {"department": world.xjjd.pk, "name": "窑址"})
    assert response.status_code == 400
    assert Relic.objects.count() == 0


def test_uploading_a_non_image_shows_a_message(client, world, make_relic):
    relic = make_relic(photo=False)
    c = client_for(client, world, "bureau")
    response = c.post(
        f"/relics/r/{relic.pk}/upload/",
        {"kind": "photo", "file": SimpleUploadedFile("a.jpg", b"GIF? no, text")},
        follow=True,
    )
    assert "不是图片" in response.content.decode()
    assert relic.files.count() == 0


def test_the_public_reads_published_records_only_and_no_coordinates_of_sensitive_sites(
    client, world, make_relic
):
    temple = make_relic(name="青莲寺", longitude="112.871234", latitude="35.521234")
    tomb = make_relic(
        name="某古墓群", category="古墓葬", longitude="112.881234", latitude="35.531234"
    )
    make_relic(name="未公布的庙")
    relic_publish(actor=world.bureau, relic=temple)
    relic_publish(actor=world.bureau, relic=tomb)
    page = client.get("/relics/public/").content.decode()
    assert "青莲寺" in page
    assert "某古墓群" in page
    assert "未公布的庙" not in page
    assert "112.881234" not in page
    tomb_page = client.get(f"/relics/public/{tomb.code}/").content.decode()
    assert "112.881234" not in tomb_page
    assert "35.531234" not in tomb_page
    assert "不予公开" in tomb_page
    assert "112.871234" in client.get(f"/relics/public/{temple.code}/").content.decode()
    hidden = Relic.objects.get(name="未公布的庙")
    assert client.get(f"/relics/public/{hidden.code}/").status_code == 404


def test_the_public_register_is_searchable_in_chinese_and_by_category(client, world, make_relic):
    for name, category in (("青莲寺", "古建筑"), ("府城遗址", "古遗址")):
        relic_publish(actor=world.bureau, relic=make_relic(name=name, category=category))
    assert "青莲寺" in client.get("/relics/public/", {"q": "莲"}).content.decode()
    assert "府城遗址" not in client.get("/relics/public/", {"q": "莲"}).content.decode()
    by_category = client.get("/relics/public/", {"category": "site"}).content.decode()
    assert "府城遗址" in by_category
    assert "青莲寺" not in by_category


def test_exports_are_logged(client, world, bsd_relic):
    c = client_for(client, world, "bureau")
    response = c.get("/relics/export/forms.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    entry = AuditEntry.objects.get(action="relics.export.forms")
    assert entry.actor_id == world.bureau.pk
    assert entry.after["count"] == 1


def test_importing_a_file_with_bad_rows_lists_them_and_imports_nothing(client, world):
    book = Workbook()
    sheet = book.active
    sheet.append(["普查编号", "名称", "镇(街道)", "经度", "纬度", "保护级别", "文物类别"])
    sheet.append(["C1", "汤帝庙", "北石店镇", "112.85", "35.50", "市级", "古建筑"])
    sheet.append(["C2", "坏行", "北石店镇", "112.85", "35.52", "市级", "古桥"])
    data = io.BytesIO()
    book.save(data)
    c = client_for(client, world, "bureau")
    response = c.post("/relics/import/", {"file": SimpleUploadedFile("名录.xlsx", data.getvalue())})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 3 行" in page
    assert "未知的文物类别" in page
    assert Relic.objects.count() == 0


def test_the_dashboard_shows_the_phase_and_progress(client, world, bsd_relic):
    c = client_for(client, world, "bureau")
    page = c.get("/relics/").content.decode()
    assert "367" in page
    assert "北石店镇" in page
    assert "2024年4月30日" in page


def test_anonymous_visitors_are_sent_to_the_public_register(client, world):
    response = client.get("/relics/")
    assert response.status_code == 302
    assert response["Location"].endswith("/relics/public/")


def test_the_notice_lists_the_census_pages_that_execute_its_clauses(db):
    from portal.gazette.links import implementations_for

    found = {(i.eid, i.href()) for i in implementations_for("城政发〔2024〕3号")}
    assert ("para_5__subpara_5", "/relics/review/") in found
    assert ("para_4__subpara_3", "/relics/public/") in found
