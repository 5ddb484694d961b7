"""Gazette pages: contents, documents with clause permalinks, visibility, citations, search."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.template import Context, Template

from chengqu.common import Citation
from portal.accounts.roles import Role
from portal.gazette.links import (
    citation_url,
    clause_url,
    document_url,
    implemented_by_register,
    implemented_by_unregister,
)
from portal.gazette.models import Clause, Document

pytestmark = pytest.mark.django_db

FUND = "城政办发〔2024〕6号"
COMMAND = "城政办发〔2024〕8号"
FARMLAND = "城政发〔2024〕1号"


def test_the_gazette_is_reached_from_the_navigation_and_shows_the_contents_as_printed(
    client, ingested
):
    home = client.get("/").content.decode()
    assert 'href="/gazette/"' in home
    page = client.get("/gazette/").content.decode()
    assert "总第5期" in page
    for section in ("【区政府文件】", "【区政府办公室文件】", "【行政规范性文件】"):
        assert section in page
    assert page.count('class="docno"') >= 13
    assert f'href="{document_url(FUND)}"' in page


def test_a_permalink_is_the_url_encoded_document_number_with_the_clause_eid_as_anchor():
    url = clause_url(FUND, "chp_2__art_10")
    assert url.startswith("/gazette/doc/%E5%9F%8E")
    assert unquote(url) == "/gazette/doc/城政办发〔2024〕6号/#chp_2__art_10"


def test_a_public_document_is_readable_without_login_and_every_clause_has_its_anchor(
    client, ingested
):
    response = client.get(document_url(FUND))
    assert response.status_code == 200
    page = response.content.decode()
    assert "晋城市城区市场主体应急周转资金管理办法" in page
    assert "时效性 (今日)" in page
    anchors = set(re.findall(r'<li class="clause" id="([^"]+)"', page))
    fund = Document.objects.get(key=FUND)
    assert anchors == set(Clause.objects.filter(version=fund.current).values_list("eid", flat=True))
    assert 'href="#chp_2__art_10"' in page


def test_a_document_not_marked_public_needs_a_login(client, ingested, make_user, login):
    response = client.get(document_url(COMMAND))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    official = make_user("official", Role.UNIT)
    assert login(official).get(document_url(COMMAND)).status_code == 200


def test_any_bracket_form_of_a_number_redirects_to_the_permalink(client, ingested):
    response = client.get("/gazette/doc/城政办发[2024]6号/")
    assert response.status_code == 302
    assert response["Location"] == document_url(FUND)
    assert client.get("/gazette/doc/城政办发〔2099〕1号/").status_code == 404


def test_relations_show_what_a_document_repeals_and_a_stub_shows_who_repealed_it(client, ingested):
    farmland = client.get(document_url(FARMLAND)).content.decode()
    assert "本文废止" in farmland
    assert "城政发〔2020〕15号" in farmland
    assert "本文引用" in farmland
    stub = client.get(document_url("城政发〔2020〕15号")).content.decode()
    assert "未收录" in stub
    assert "被以下文件废止" in stub
    assert f'href="{document_url(FARMLAND)}"' in stub


def test_citation_link_renders_a_citation_as_a_link_to_its_clause(ingested):
    template = Template("{% load gazette %}{% citation_link c %}")
    html = template.render(Context({"c": Citation(FUND, "chp_2__art_10", "日息按0.2‰计算")}))
    assert f'href="{clause_url(FUND, "chp_2__art_10")}"' in html
    assert "第十条" in html
    assert citation_url(Citation("城政办发[2024]6号", "chp_2__art_10")) == clause_url(
        FUND, "chp_2__art_10"
    )
    # Rules cite an article by its own number; the registry nests it under its chapter.
    assert citation_url(Citation(FUND, "art_10")) == clause_url(FUND, "chp_2__art_10")
    # A clause the registry does not know links to the document; a standard is plain text.
    assert citation_url(Citation(FUND, "art_999")) == document_url(FUND)
    standard = template.render(Context({"c": Citation("HJ 633-2012", "表1")}))
    assert "<a" not in standard
    assert "HJ 633-2012" in standard


def test_modules_register_what_they_implement_and_the_document_page_lists_it(client, ingested):
    implemented_by_register(
        number="城政办发[2024]6号",
        eid="chp_2__art_10",
        label="应急周转资金 · 费用测算",
        url="/m/fund/",
    )
    try:
        page = client.get(document_url(FUND)).content.decode()
        assert "应急周转资金 · 费用测算" in page
        assert 'href="/m/fund/"' in page
    finally:
        implemented_by_unregister(number=FUND, eid="chp_2__art_10", label="应急周转资金 · 费用测算")
    assert "应急周转资金 · 费用测算" not in client.get(document_url(FUND)).content.decode()


def test_the_search_page_links_each_hit_to_its_clause_with_the_match_highlighted(client, ingested):
    page = client.get("/gazette/search/", {"q": "日息按0.2‰计算"}).content.decode()
    assert f'href="{clause_url(FUND, "chp_2__art_10")}"' in page
    assert "<mark>日息按0.2‰计算</mark>" in page


def test_the_search_page_hides_documents_that_are_not_public_from_strangers(
    client, ingested, make_user, login
):
    url_fragment = document_url(COMMAND)
    assert url_fragment not in client.get("/gazette/search/", {"q": "指挥体系"}).content.decode()
    login(make_user("official", Role.UNIT))
    assert url_fragment in client.get("/gazette/search/", {"q": "指挥体系"}).content.decode()


def test_an_administrator_uploads_an_issue_in_the_admin_and_bad_files_are_explained(
    client, make_user, login
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chengqu.data import read_gazette_issue
    from portal.gazette.models import IssueVersion

    admin_user = make_user("root", Role.ADMIN, is_superuser=True)
    login(admin_user)
    bad = client.post(
        "/admin/gazette/issue/ingest/", {"file": SimpleUploadedFile("x.txt", b"\x00\x01" * 50)}
    )
    assert bad.status_code == 200
    assert "二进制" in bad.content.decode()
    assert IssueVersion.objects.count() == 0
    good = SimpleUploadedFile("g.txt", read_gazette_issue("gazette-2024-1.txt").encode())
    response = client.post("/admin/gazette/issue/ingest/", {"file": good})
    assert response.status_code == 302
    version = IssueVersion.objects.get()
    assert version.ingested_by == admin_user
