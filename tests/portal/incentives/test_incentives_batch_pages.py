"""Batch pages: lead units upload and read their runs; other units' runs are out of reach; the
published 免申即享 list is public."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from portal.incentives.models import BatchRun

pytestmark = pytest.mark.django_db

CSV = (
    "企业标识,企业名称,一季度完成投资额(元),旅游演艺项目1—6月演出场次(场)\n"
    "E1,甲公司,60000000,\n"
    "E2,乙公司,abc,\n"
    "E3,丙公司,,100\n"
).encode()


def upload(client, data: bytes = CSV, name: str = "名单.csv", as_of: str = "2024-07-15"):
    return client.post(
        "/incentives/batch/", {"file": SimpleUploadedFile(name, data), "as_of": as_of}
    )


def test_a_lead_unit_uploads_and_sees_results_summary_and_row_errors(people, login):
    client = login(people.commerce_user)
    response = upload(client)
    batch = BatchRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incentives/batch/{batch.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert 'id="batch-total">420000.00<' in html  # 12万 (第1条) + 30万 (第14条)
    assert "第 3 行 (E2)" in html
    assert "q1_investment" in html
    assert "甲公司" in html
    assert "丙公司" in html
    assert 'class="citation"' in html


def test_a_bad_file_is_explained_on_the_page_and_nothing_is_stored(people, login):
    client = login(people.finance)
    response = upload(client, b"\x00\x01", "名单.xlsx")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert BatchRun.objects.count() == 0


def test_the_export_is_an_xlsx_with_the_list(people, login):
    client = login(people.finance)
    upload(client)
    batch = BatchRun.objects.get()
    response = client.get(f"/incentives/batch/{batch.pk}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [r[0] for r in book["免申即享名单"].iter_rows(min_row=2, values_only=True)] == [
        "E1",
        "E3",
    ]


def test_a_unit_cannot_read_another_units_run(people, login):
    upload(login(people.commerce_user))
    batch = BatchRun.objects.get()
    client = login(people.tourism_user)
    assert client.get(f"/incentives/batch/{batch.pk}/").status_code == 404
    assert client.get(f"/incentives/batch/{batch.pk}/export.xlsx").status_code == 404
    assert "名单.csv" not in client.get("/incentives/batch/").content.decode()
    for overseer in (people.finance, people.inspector, people.auditor, people.admin):
        assert login(overseer).get(f"/incentives/batch/{batch.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["acme_user", "bank"])
def test_enterprises_and_banks_have_no_batch_pages(people, login, who):
    client = login(getattr(people, who))
    assert client.get("/incentives/batch/").status_code == 403
    assert upload(client).status_code == 403


def test_the_auditor_reads_but_cannot_upload(people, login):
    client = login(people.auditor)
    assert client.get("/incentives/batch/").status_code == 200
    assert upload(client).status_code == 403


def test_strangers_are_sent_to_the_login_page(client):
    response = client.get("/incentives/batch/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_published_list_is_public_and_an_unpublished_one_is_not(people, login, client):
    upload(login(people.commerce_user))
    batch = BatchRun.objects.get()
    client.logout()
    assert client.get(f"/incentives/mianshen/{batch.pk}/").status_code == 404
    assert (
        login(people.commerce_user).post(f"/incentives/batch/{batch.pk}/publish/").status_code
        == 403
    )
    login(people.finance).post(f"/incentives/batch/{batch.pk}/publish/")
    client.logout()
    html = client.get(f"/incentives/mianshen/{batch.pk}/").content.decode()
    assert "甲公司" in html
    assert "丙公司" in html
    assert "乙公司" not in html
    assert f"第 {batch.pk} 批" in client.get("/incentives/mianshen/").content.decode()


def test_the_finance_office_turns_a_published_list_into_claims_from_the_page(
    people, login, claim_day
):
    people.beta.code = "E3"
    people.beta.save()
    upload(login(people.commerce_user))
    batch = BatchRun.objects.get()
    url = f"/incentives/batch/{batch.pk}/claims/"
    assert login(people.acme_user).post(url).status_code == 403
    finance = login(people.finance)
    finance.post(f"/incentives/batch/{batch.pk}/publish/")
    assert "生成免申即享兑现申报" in finance.get(f"/incentives/batch/{batch.pk}/").content.decode()
    html = finance.post(url, follow=True).content.decode()
    assert "已生成 1 条免申即享兑现申报" in html
    assert "1 户未在平台登记为企业单位(单位编码 = 企业标识): E1" in html
    enterprise = login(people.beta_user).get("/incentives/claims/").content.decode()
    assert "免申即享" in enterprise
    assert "第14条" in enterprise
