"""Input hygiene: control characters are refused at the edge, everywhere, with the field named.

Every URL pattern the resolver knows is posted to, as an administrator and anonymously, with a
NUL in one field and U+0001 in another: each answers 400 naming the field, none 500, and nothing
is written. Ordinary text (tabs, line breaks, Chinese) passes unchanged; overlong text is a clear
error. Runs on SQLite and, with CHENGQU_TEST_DATABASE_URL, on PostgreSQL (where NUL was a 500).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

from chengqu.common import DomainError
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.command.models import Incident
from portal.core import hygiene

# ------------------------------------------------------------------ the validator


@pytest.mark.parametrize(
    "char",
    [
        "\x00",
        "\x01",
        "\x08",
        "\x0b",
        "\x0c",
        "\x1f",
        "\x7f",
        "\x85",
        "\x9f",
        "\ufffe",
        "\uffff",
        "\ud800",
    ],
)
def test_check_text_refuses_control_characters_naming_field_and_character(char):
    with pytest.raises(DomainError) as caught:
        hygiene.check_text(f"北石店镇{char}北山", field="place", label="事发地点")
    error = caught.value
    assert error.code == "input.control_character"
    assert error.field == "place"
    assert error.message.startswith("「事发地点」含有不可见的控制字符 " + f"U+{ord(char):04X}")
    assert "第 5 个字符" in error.message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "一行\t制表\r\n第二行\n",
        "《晋城市城区人民政府公报》〔2024〕6号 ①②",
        "emoji 🚒 ok",
        "\u00a0\u3000",
    ],
)
def test_check_text_keeps_ordinary_text_unchanged(text):
    assert hygiene.check_text(text, field="text") == text


def test_check_tree_walks_keys_and_nested_strings():
    hygiene.check_tree({"a": ["ok", {"b": "好\n"}]})
    with pytest.raises(DomainError) as caught:
        hygiene.check_tree({"a": ["ok", {"b": "坏\x01"}]})
    assert caught.value.field == "a.1.b"
    with pytest.raises(DomainError) as caught:
        hygiene.check_tree({"ok": 1, "k\x00": 1})
    assert caught.value.field == "kU+0000"  # the key is shown, its character made visible


def test_only_json_that_may_hold_a_refused_character_is_parsed_again():
    assert not hygiene.json_may_hold_refused(
        json.dumps({"place": "北石店镇\t北山\n"}, ensure_ascii=False)
    )
    assert not hygiene.json_may_hold_refused(
        json.dumps({"place": "北石店镇"})
    )  # \u5317…: ordinary escapes
    for suspect in (
        '{"a": "\\u0001"}',
        '{"a": "\\u009F"}',
        '{"a": "\\ud83d\\ude92"}',
        '{"a": "\x7f"}',
        '{"\\uFFFE": 1}',
    ):
        assert hygiene.json_may_hold_refused(suspect), suspect


@pytest.mark.parametrize(
    ("text", "refused"),
    [('"\\ud800"', True), ('"\\ud83d\\ude92"', False), ('"\\u0000"', True), ('"\\\\u0000"', False)],
)
def test_a_lone_surrogate_in_json_is_refused_and_a_pair_passes(rf, text, refused):
    from portal.core.middleware import InputHygieneMiddleware

    request = rf.post(
        "/api/v1/command/incidents", '{"place": ' + text + "}", content_type="application/json"
    )
    response = InputHygieneMiddleware(lambda r: None).process_view(request, lambda r: None, (), {})
    assert (response is not None) is refused
    if refused:
        assert json.loads(response.content)["field"] == "place"


def test_bounded_text_names_the_limit():
    assert hygiene.bounded_text("一" * 10, field="place", max_length=10) == "一" * 10
    with pytest.raises(DomainError) as caught:
        hygiene.bounded_text("一" * 11, field="place", max_length=10, label="地点")
    assert caught.value.code == "input.too_long"
    assert caught.value.message.startswith("「地点」最多 10 个字符, 现在有 11 个")


# ------------------------------------------------------------------ every endpoint

_SAMPLES = {
    "int": "1",
    "slug": "x",
    "str": "x",
    "path": "1",
    "uuid": "00000000-0000-0000-0000-000000000001",
}


def _route_sample(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLES[m.group(1) or "str"], route)


def _regex_sample(regex: str) -> str:
    # The admin's two: (?P<app_label>auth|axes|…) and the catch-all (?P<url>.*).
    text = re.sub(
        r"\(\?P<\w+>([^)]*)\)",
        lambda m: m.group(1).split("|")[0] if "|" in m.group(1) else "x",
        regex,
    )
    return text.replace("^", "").replace("$", "")


def _endpoints() -> Iterator[tuple[str, URLPattern]]:
    def walk(
        patterns: list[URLPattern | URLResolver], prefix: str
    ) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            route = str(pattern.pattern)
            sample = _route_sample(route) if "(?P<" not in route else _regex_sample(route)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + sample)
            else:
                yield "/" + prefix + sample, pattern

    yield from walk(get_resolver().url_patterns, "")


def _all_paths() -> list[str]:
    paths, unresolved = [], []
    for path, _pattern in _endpoints():
        try:
            resolve(path)
        except Resolver404:
            unresolved.append(path)
            continue
        paths.append(path)
    assert not unresolved, f"URL patterns the walk cannot build a path for: {unresolved}"
    return sorted(set(paths))


def _rows() -> int:
    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("portal.")
    )


@pytest.fixture
def admin(make_user, unit) -> User:
    return make_user("root", Role.ADMIN, department=unit(), is_superuser=True)


def _refused(response, field: str) -> str | None:
    """Why ``response`` is not the 400 naming ``field``, or None when it is."""
    if response.status_code != 400:
        return f"status {response.status_code}"
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        if (
            set(body) != {"code", "message", "field"}
            or body["field"] != field
            or body["code"] != "input.control_character"
        ):
            return f"body {body}"
        return None
    html = response.content.decode()
    if f'data-field="{field}"' not in html or "控制字符" not in html:
        return "page does not name the field"
    return None


@pytest.mark.parametrize("who", ["admin", "anonymous"])
@pytest.mark.parametrize(
    ("field", "char", "multipart"), [("text", "\x00", True), ("place", "\x01", False)]
)
def test_every_endpoint_refuses_a_control_character_and_writes_nothing(
    client, login, admin, who, field, char, multipart
):
    if who == "admin":
        login(admin)
    paths = _all_paths()
    assert len(paths) > 300  # the admin, the pages and the API: the walk reached them all
    before_audit, before_rows = AuditEntry.objects.count(), _rows()
    data = {"title": "正常的标题", field: f"北石店镇{char}北山", "note": "备注"}
    failures = {}
    for path in paths:
        if multipart:
            response = client.post(path, data)
        else:
            response = client.post(
                path, urlencode(data), content_type="application/x-www-form-urlencoded"
            )
        problem = _refused(response, field)
        if problem:
            failures[path] = problem
    assert failures == {}
    assert AuditEntry.objects.count() == before_audit
    assert _rows() == before_rows


@pytest.mark.parametrize("who", ["admin", "anonymous"])
def test_every_api_endpoint_refuses_control_characters_nested_in_json(client, login, admin, who):
    if who == "admin":
        login(admin)
    paths = [p for p in _all_paths() if p.startswith("/api/")]
    assert len(paths) > 40
    before = AuditEntry.objects.count()
    body = json.dumps({"incident_type": "地震", "items": [{"name": "好"}, {"name": "坏\u0001"}]})
    failures = {}
    for path in paths:
        problem = _refused(client.post(path, body, content_type="application/json"), "items.1.name")
        if problem:
            failures[path] = problem
    assert failures == {}
    assert AuditEntry.objects.count() == before


def test_query_strings_are_checked(client, login, admin):
    login(admin)
    searched = client.get("/gazette/search/", {"q": "公报\x00"})
    assert _refused(searched, "q") is None
    assert "「搜索词」" in searched.content.decode()
    api = client.get("/api/v1/command/route", {"q": "道路\x01"})
    assert _refused(api, "q") is None


def test_uploaded_file_names_are_checked(rf, admin):
    # Django's multipart parser already drops unprintable characters from file names; the check
    # still holds for any other way a name arrives (another upload handler, a parser change).
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.datastructures import MultiValueDict

    from portal.core.middleware import InputHygieneMiddleware
    from portal.incentives import batch_views

    request = rf.post("/incentives/batch/", {"as_of": "2026-01-01"})
    request.user = admin
    assert (
        request.POST["as_of"] == "2026-01-01"
    )  # parsed; then the name as another parser might give it
    request._files = MultiValueDict(
        {"file": [SimpleUploadedFile("名单\x01.csv", b"x", content_type="text/csv")]}
    )
    response = InputHygieneMiddleware(lambda r: None).process_view(
        request, batch_views.batch_list, (), {}
    )
    assert response is not None
    assert response.status_code == 400
    assert "的文件名含有不可见的控制字符 U+0001" in response.content.decode()


def test_the_page_names_the_field_in_chinese_and_offers_to_go_back(client, login, admin):
    login(admin)
    response = client.post(
        "/command/incidents/new/",
        {"incident_type": "地震", "place": "城区\x01"},
        HTTP_REFERER="http://testserver/command/incidents/new/",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "提交的内容有误, 未保存" in html
    assert "「地点」含有不可见的控制字符 U+0001(第 3 个字符), 请删除后重新提交" in html
    assert 'href="http://testserver/command/incidents/new/" data-history-back' in html
    assert "退出" in html  # the site's own page, signed in


def test_the_refusal_page_needs_no_inline_script_or_style():
    from django.template.loader import get_template

    source = get_template("core/input_refused.html").template.source
    assert "<style" not in source
    assert "style=" not in source
    assert re.findall(r"<script[^>]*>", source) == [
        "<script src=\"{% static 'core/back.js' %}\" defer>"
    ]


def test_csrf_still_comes_first(admin):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    assert strict.post("/command/incidents/new/", {"place": "城区\x01"}).status_code == 403


# ------------------------------------------------------------------ what still passes


@pytest.fixture
def office(make_user, unit) -> User:
    from portal.command.loading import roster_load
    from portal.core.loading import load_units

    load_units()
    roster_load()
    return make_user("duty", Role.HQ_OFFICE, department=unit())


def test_the_issue_case_an_incident_place_with_u0001_is_refused_and_the_audit_export_works(
    client, login, office, admin
):
    login(office)
    before = Incident.objects.count()
    response = client.post(
        "/api/v1/command/incidents",
        json.dumps(
            {
                "incident_type": "地震",
                "occurred_at": "2026-01-05T08:30:00+08:00",
                "place": "城区\x01",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "input.control_character",
        "message": "「地点」含有不可见的控制字符 U+0001(第 3 个字符), 请删除后重新提交",
        "field": "place",
    }
    assert Incident.objects.count() == before
    login(admin)
    assert client.get("/audit/export.xlsx").status_code == 200


def test_a_malformed_body_is_left_to_the_view_never_a_500(client, login, office):
    login(office)
    client.raise_request_exception = False
    broken = client.post(
        "/api/v1/command/incidents",
        "--x\r\nnot a part",
        content_type="multipart/form-data; boundary=",
    )
    assert broken.status_code in {400, 422}
    invalid = client.post(
        "/api/v1/command/incidents", "{not json\x00", content_type="application/json"
    )
    assert invalid.status_code in {400, 422}
    assert set(invalid.json()) == {"code", "message", "field"}


def test_a_json_body_sent_under_another_content_type_is_checked_too(client, login, office):
    # ninja reads a body as JSON whatever its Content-Type says; so does the check.
    login(office)
    body = json.dumps(
        {"incident_type": "地震", "occurred_at": "2026-01-05T08:30:00+08:00", "place": "城区\x00"}
    )
    response = client.post("/api/v1/command/incidents", body, content_type="text/plain")
    assert response.status_code == 400
    assert response.json()["field"] == "place"
    assert not Incident.objects.exists()


def test_model_max_length_feeds_bounded_text():
    assert hygiene.model_max_length(Incident, "place") == 255
    with pytest.raises(DomainError) as caught:
        hygiene.bounded_text(
            "地" * 256, field="place", max_length=hygiene.model_max_length(Incident, "place")
        )
    assert caught.value.message.startswith("「地点」最多 255 个字符")


def test_chinese_tabs_and_line_breaks_pass_unchanged(client, login, office):
    login(office)
    description = "第一段:\t北山起火。\r\n第二段: 已组织扑救。\n「引号」《书名》①"
    response = client.post(
        "/api/v1/command/incidents",
        json.dumps(
            {
                "incident_type": "森林火灾",
                "occurred_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
                "place": "北石店镇北山",
                "description": description,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    stored = Incident.objects.get(pk=response.json()["id"])
    assert stored.description == description
    assert stored.place == "北石店镇北山"


def test_a_progress_report_keeps_its_tabs_line_breaks_and_chinese(client, make_user):
    from portal.accounts.models import Department
    from portal.supervision.loading import load_tasks
    from portal.supervision.models import LoopItem

    load_tasks()
    finance = Department.objects.get(name="区财政局")
    client.force_login(
        make_user("czj", Role.UNIT, department=finance),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    task = LoopItem.objects.get(source="城政办发〔2024〕9号", number="二、(二)2")
    url = f"/supervision/item/{task.pk}/act/"
    client.post(url, {"action": "accept"})
    text = "一、已完成:\t平台上线试运行;\r\n二、下一步:\t全面推广「云公物仓」。\n(进度 60%)"
    assert (
        client.post(url, {"action": "progress", "progress": "60", "text": text}).status_code == 302
    )
    assert task.events.order_by("pk").last().text == text
    refused = client.post(url, {"action": "progress", "progress": "70", "text": "再报\x0b一次"})
    assert refused.status_code == 400
    assert "「内容」含有不可见的控制字符 U+000B" in refused.content.decode()
    assert task.events.count() == 3  # dispatch, accept, progress: the refused report wrote nothing


# ------------------------------------------------------------------ lengths


def test_text_longer_than_its_model_field_is_a_clear_error_before_the_database_sees_it(db):
    with pytest.raises(DomainError) as caught:
        hygiene.check_lengths(Incident(incident_type="地震", place="地" * 256))
    assert caught.value.code == "input.too_long"
    assert caught.value.field == "place"
    assert caught.value.message.startswith("「地点」最多 255 个字符, 现在有 256 个")
    hygiene.check_lengths(Incident(incident_type="地震", place="地" * 255))  # the limit itself fits


def test_an_overlong_incident_place_on_the_page_says_so_and_writes_nothing(client, login, office):
    login(office)
    before_audit, before = AuditEntry.objects.count(), Incident.objects.count()
    response = client.post(
        "/command/incidents/new/",
        {
            "incident_type": "森林火灾",
            "occurred_at": "2026-01-05T08:30",
            "place": "北山" * 128,
        },
    )
    assert response.status_code == 200  # the form again, with what was typed
    assert "「地点」最多 255 个字符, 现在有 256 个, 请删减后重新提交" in response.content.decode()
    assert Incident.objects.count() == before
    assert AuditEntry.objects.count() == before_audit


def test_an_overlong_duty_phone_is_refused_with_its_label(client, login, office):
    from portal.command.models import DutyShift

    login(office)
    response = client.post(
        "/command/duties/",
        {
            "shift": "1",
            "day": "2026-01-05",
            "leader": "王局长",
            "officer": "李四",
            "phone": "0356-" + "1" * 40,
        },
        follow=True,
    )
    assert "「值班电话」最多 32 个字符" in response.content.decode()
    assert not DutyShift.objects.exists()


def test_an_overlong_place_through_the_api_is_a_400_naming_the_field(client, login, office):
    login(office)
    before = Incident.objects.count()
    response = client.post(
        "/api/v1/command/incidents",
        json.dumps(
            {
                "incident_type": "地震",
                "occurred_at": "2026-01-05T08:30:00+08:00",
                "place": "地" * 300,
            }
        ),
        content_type="application/json",
    )
    # 400 from the service's bound, or 422 once the schema carries the same max_length.
    assert response.status_code in {400, 422}
    assert response.json()["field"] == "place"
    assert Incident.objects.count() == before


def test_a_domain_error_a_page_lets_escape_is_a_400_page_not_a_500(rf, admin):
    from portal.core.middleware import InputHygieneMiddleware

    request = rf.post("/command/duties/")
    request.user = admin
    error = DomainError(
        "input.too_long",
        "「值班电话」最多 32 个字符, 现在有 45 个, 请删减后重新提交",
        field="phone",
    )
    response = InputHygieneMiddleware(lambda r: None).process_exception(request, error)
    assert response is not None
    assert response.status_code == 400
    assert "「值班电话」最多 32 个字符" in response.content.decode()
    assert (
        InputHygieneMiddleware(lambda r: None).process_exception(rf.get("/api/v1/x"), error) is None
    )
    assert (
        InputHygieneMiddleware(lambda r: None).process_exception(request, ValueError("bug")) is None
    )
    missing = DomainError("command.incident.not_found", "没有这个事件")
    assert (
        InputHygieneMiddleware(lambda r: None).process_exception(request, missing).status_code
        == 404
    )


def test_a_register_import_names_the_row_with_a_control_character_or_an_overlong_value(
    db, tmp_path, make_user
):
    # A spreadsheet does not pass the request check: the relics service bounds its text itself.
    from portal.accounts.services import department_upsert
    from portal.relics.models import Relic
    from portal.relics.services import register_import

    department_upsert(code="bsdz", name="北石店镇", kind="town")
    bureau = make_user(
        "wenwu",
        Role.UNIT,
        department=department_upsert(code="wlj", name="区文旅局", kind="organ")[0],
    )
    header = "普查编号,名称,镇(街道),地址,经度,纬度,海拔,保护级别,文物类别,年代,权属,使用情况,保存状况,管理机构\n"
    row = "{code},{name},北石店镇,府城村,112.851,35.498,760,省级,古建筑,明,集体,宗教活动,较好,村委会\n"
    path = tmp_path / "register.csv"
    path.write_text(
        header
        + row.format(code="A1", name="关帝\x00庙")
        + row.format(code="A2", name="庙" * 129)
        + row.format(code="A3" * 20, name="文庙")
        + row.format(code="A4", name="汤帝庙"),
        encoding="utf-8",
    )
    result = register_import(actor=bureau, path=path, filename="名录" + "长" * 300 + ".csv")
    assert Relic.objects.count() == 0
    assert [(e["line"], e["field"]) for e in result.errors] == [
        (2, "名称"),
        (3, "名称"),
        (4, "普查编号"),
    ]
    assert "「名称」含有不可见的控制字符 U+0000" in result.errors[0]["message"]
    assert "「名称」最多 128 个字符, 现在有 129 个" in result.errors[1]["message"]
    assert "「普查编号」最多 32 个字符" in result.errors[2]["message"]
    path.write_text(header + row.format(code="A4", name="汤帝庙"), encoding="utf-8")
    assert (
        register_import(actor=bureau, path=path, filename="名录" + "长" * 300 + ".csv").created == 1
    )  # the long name fits the audit


def test_an_emission_list_row_with_a_control_character_or_an_overlong_name_is_named(db):
    from portal.air.reduction_list import COLUMNS, ListImportError, parse_rows
    from portal.core.tables import Row

    good = [
        2026,
        "甲化工有限公司",
        "91140502MA0000000A",
        "化工",
        "B",
        100,
        200,
        50,
        10,
        "限产30%",
        20,
        40,
        10,
        2,
        "限产50%",
        30,
        60,
        15,
        3,
        "停产",
        40,
        80,
        20,
        4,
    ]
    keys = [key for key, _ in COLUMNS]

    def row(line: int, **changes: object) -> Row:
        values = {k: (str(v) if isinstance(v, int) else v) for k, v in zip(keys, good, strict=True)}
        return Row(line, {**values, **changes})

    assert len(parse_rows([row(2)])) == 1
    with pytest.raises(ListImportError) as caught:
        parse_rows(
            [
                row(2, name="甲化\x00工"),
                row(3, credit_code="91140502MA0000000B", industry="化" * 65),
                row(4, credit_code="91140502MA0000000C", III_text="限产\x0130%"),
            ]
        )
    errors = caught.value.errors
    assert [(line, column) for line, column, _ in errors] == [
        (2, "企业名称"),
        (3, "行业"),
        (4, "黄色预警措施"),
    ]
    assert "「企业名称」含有不可见的控制字符 U+0000" in errors[0][2]
    assert "「行业」最多 64 个字符" in errors[1][2]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_batch_csv_with_a_control_character_is_refused_naming_its_line(
    client, make_user, encoding
):
    # Before: on PostgreSQL the NUL reached the database (a 500 DataError); now the page says where.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.incentives.models import BatchRun

    client.force_login(
        make_user("jrb", Role.FINANCE_OFFICE), backend="django.contrib.auth.backends.ModelBackend"
    )
    header = "企业标识,企业名称,一季度完成投资额(元)\n"
    bad = (header + "E1,甲公司,60000000\nE2,乙\x00公司,1\n").encode(encoding)
    response = client.post(
        "/incentives/batch/", {"file": SimpleUploadedFile("名单.csv", bad), "as_of": "2024-07-15"}
    )
    assert response.status_code in {200, 400}
    assert "名单.csv 第 3 行含有不可见的控制字符 U+0000" in response.content.decode()
    assert not BatchRun.objects.exists()
    good = (header + "E1,甲公司,60000000\nE2,乙\t公司,1\n").encode(
        encoding
    )  # a tab is ordinary text
    assert (
        client.post(
            "/incentives/batch/",
            {"file": SimpleUploadedFile("名单.csv", good), "as_of": "2024-07-15"},
        ).status_code
        == 302
    )
    assert BatchRun.objects.count() == 1
