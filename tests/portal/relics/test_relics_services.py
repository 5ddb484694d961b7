"""The register, both census paths and the quality gate, through the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from chengqu.common import DomainError
from portal.audit.models import AuditEntry
from portal.relics.models import DamageCase, QualityIssue, Relic
from portal.relics.selectors import progress
from portal.relics.services import (
    issue_accept,
    lead_submit,
    lead_verify,
    relic_create,
    relic_file_add,
    relic_publish,
    relic_reexamine,
    relic_register,
    relic_update,
)

pytestmark = pytest.mark.django_db


def test_a_registered_relic_keeps_the_census_contents_as_of_the_standard_time_point(
    world, make_relic
):
    relic = make_relic(name="府城玉皇庙")
    relic.refresh_from_db()
    assert relic.as_of == date(2024, 4, 30)
    assert relic.level == "national"
    assert relic.category == "building"
    assert relic.state == "good"
    assert str(relic.elevation) == "760.5"
    assert relic.datum == "CGCS2000"
    assert AuditEntry.objects.filter(action="relics.create", object_id=str(relic.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"longitude": "35.531", "latitude": "112.861"}, "longitude", "颠倒"),
        ({"longitude": "112.549", "latitude": "37.870"}, "longitude", "不在晋城市城区"),
        ({"category": "古桥"}, "category", "未知的文物类别"),
        ({"level": "乡级"}, "level", "未知的保护级别"),
    ],
)
def test_bad_census_contents_are_refused_and_nothing_is_written(
    world, overrides, field, words, census_data
):
    with pytest.raises(DomainError) as error:
        relic_create(actor=world.team_bsd, department=world.bsd, data=census_data(**overrides))
    assert error.value.field == field
    assert words in error.value.message
    assert Relic.objects.count() == 0


def test_the_same_name_at_the_same_place_is_refused(world, make_relic, census_data):
    make_relic(name="关帝庙", longitude="112.861000")
    with pytest.raises(DomainError) as error:
        relic_create(
            actor=world.team_bsd,
            department=world.bsd,
            data=census_data(name="关帝庙", longitude="112.8612"),
        )
    assert error.value.code == "relics.duplicate"


def test_a_file_that_is_not_an_image_is_refused_and_the_record_kept(world, make_relic):
    relic = make_relic(photo=False)
    with pytest.raises(DomainError) as error:
        relic_file_add(
            actor=world.bureau,
            relic=relic,
            kind="photo",
            upload=SimpleUploadedFile("x.jpg", b"MZ\x90\x00 exe", "image/jpeg"),
        )
    assert "不是图片" in error.value.message
    assert relic.files.count() == 0
    assert Relic.objects.filter(pk=relic.pk).exists()


def test_photographs_are_stored_under_media_root(world, make_relic, settings):
    relic = make_relic()
    stored = relic.files.get()
    assert stored.format == "jpeg"
    assert str(settings.MEDIA_ROOT) in stored.file.path


def test_a_census_team_cannot_write_another_towns_records(world, make_relic, census_data):
    relic = make_relic(department=world.xjjd)
    with pytest.raises(PermissionDenied):
        relic_update(actor=world.team_bsd, relic=relic, data={"era": "明"})
    with pytest.raises(PermissionDenied):
        relic_reexamine(actor=world.team_bsd, relic=relic, outcome="as_recorded")
    with pytest.raises(PermissionDenied):
        relic_create(actor=world.team_bsd, department=world.xjjd, data=census_data())


def test_reexamination_as_recorded_changed_and_natural_damage_open_no_case(world, make_relic):
    relic = make_relic()
    relic_reexamine(actor=world.team_bsd, relic=relic, outcome="as_recorded")
    relic_reexamine(
        actor=world.team_bsd, relic=relic, outcome="changed", changes="东配殿屋面已翻修"
    )
    relic_reexamine(
        actor=world.team_bsd,
        relic=relic,
        outcome="damaged",
        cause="natural",
        changes="暴雨冲毁院墙",
    )
    assert relic.reexaminations.count() == 3
    assert DamageCase.objects.count() == 0


def test_a_change_without_saying_what_changed_is_refused(world, make_relic):
    with pytest.raises(DomainError) as error:
        relic_reexamine(actor=world.team_bsd, relic=make_relic(), outcome="changed")
    assert error.value.field == "changes"


def test_damage_by_human_action_opens_a_case(world, make_relic):
    relic = make_relic()
    record = relic_reexamine(
        actor=world.team_bsd, relic=relic, outcome="damaged", cause="human", changes="碑刻被盗"
    )
    case = DamageCase.objects.get()
    assert case.relic == relic
    assert case.reexamination == record
    assert case.status == DamageCase.Status.OPEN
    assert AuditEntry.objects.filter(action="relics.case_open").count() == 1


def test_a_new_lead_goes_survey_verification_registration_publication(world, census_data):
    lead = relic_create(
        actor=world.team_bsd,
        department=world.bsd,
        data=census_data(name="新发现石桥", category="其他"),
    )
    assert lead.stage == "lead"
    assert lead.code.startswith("BSDZ-X")
    relic_file_add(
        actor=world.team_bsd,
        relic=lead,
        kind="photo",
        upload=SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
    )
    lead = lead_submit(actor=world.team_bsd, relic=lead)
    assert lead.stage == "surveyed"
    with pytest.raises(PermissionDenied):
        lead_verify(actor=world.team_bsd, relic=lead, accept=True, note="自己认定")
    lead = lead_verify(actor=world.expert, relic=lead, accept=True, note="清代石拱桥, 结构完整")
    assert lead.stage == "verified"
    assert lead.verified_by == world.expert
    with pytest.raises(PermissionDenied):
        relic_register(actor=world.team_bsd, relic=lead)
    lead = relic_register(actor=world.bureau, relic=lead)
    lead = relic_publish(actor=world.bureau, relic=lead)
    assert lead.stage == "published"
    assert lead.published_at is not None


def test_an_incomplete_lead_cannot_be_sent_for_verification(world):
    lead = relic_create(
        actor=world.team_bsd,
        department=world.bsd,
        data={"name": "窑洞遗迹", "longitude": "112.86", "latitude": "35.52"},
    )
    with pytest.raises(DomainError) as error:
        lead_submit(actor=world.team_bsd, relic=lead)
    assert "缺少照片" in error.value.message
    assert "管理机构" in error.value.message
    lead.refresh_from_db()
    assert lead.stage == "lead"


def test_nothing_is_published_with_an_open_quality_issue(world, make_relic, jpeg):
    relic = make_relic(photo=False)
    with pytest.raises(DomainError) as error:
        relic_publish(actor=world.bureau, relic=relic)
    assert error.value.code == "relics.quality_open"
    relic.refresh_from_db()
    assert relic.stage == "registered"
    relic_file_add(
        actor=world.bureau, relic=relic, kind="photo", upload=SimpleUploadedFile("p.jpg", jpeg)
    )
    assert relic_publish(actor=world.bureau, relic=relic).stage == "published"


def test_a_nearby_record_is_a_warning_an_expert_accepts_before_publication(world, make_relic):
    first = make_relic(name="白马寺", longitude="112.870000", latitude="35.530000")
    second = make_relic(name="白马寺戏台", longitude="112.870200", latitude="35.530100")
    warning = QualityIssue.objects.get(relic=second, status="open")
    assert warning.severity == "warning"
    assert first.code in warning.message
    with pytest.raises(DomainError):
        relic_publish(actor=world.bureau, relic=second)
    with pytest.raises(PermissionDenied):
        issue_accept(actor=world.team_bsd, issue=warning, note="不同")
    issue_accept(actor=world.expert, issue=warning, note="戏台与寺院分别登记")
    assert relic_publish(actor=world.bureau, relic=second).stage == "published"


def test_an_error_issue_cannot_be_waved_through_by_an_expert(world, make_relic):
    relic = make_relic(photo=False)
    issue = QualityIssue.objects.get(relic=relic, code="photographs.missing")
    with pytest.raises(DomainError):
        issue_accept(actor=world.expert, issue=issue, note="算了")


def test_fixing_the_data_resolves_the_issue(world, make_relic):
    relic = make_relic(era="")
    assert QualityIssue.objects.filter(relic=relic, code="required.era", status="open").exists()
    relic_update(actor=world.team_bsd, relic=relic, data={"era": "元"})
    assert QualityIssue.objects.get(relic=relic, code="required.era").status == "resolved"


def test_progress_counts_reexamined_relics_per_town_against_367(world, make_relic):
    a = make_relic()
    make_relic()
    make_relic(department=world.xjjd)
    relic_reexamine(actor=world.team_bsd, relic=a, outcome="as_recorded")
    relic_reexamine(actor=world.team_bsd, relic=a, outcome="as_recorded")  # twice still counts once
    report = progress(world.bureau, date(2024, 8, 1))
    assert report.target == 367
    assert report.phase is not None
    assert report.phase.key == "phase_2"
    by_code = {u.department.code: u for u in report.units}
    assert (by_code["bsdz"].registered, by_code["bsdz"].reexamined) == (2, 1)
    assert by_code["xjjd"].registered == 1
    own = progress(world.team_xj, date(2024, 8, 1))
    assert [u.department.code for u in own.units] == ["xjjd"]
