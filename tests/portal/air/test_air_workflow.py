"""The warning workflow of 城政办发〔2024〕1号 3.2–5: draft, approval by the right post, publication,
units' acknowledgement and the 2-hour clock, reports, CAP alerts, release, summaries, evaluation."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from capvalidator import check_schema  # type: ignore[import-untyped]

from chengqu.common import DomainError
from portal.accounts.models import Department, Person
from portal.accounts.roles import Role
from portal.accounts.services import position_assign
from portal.air import services
from portal.air.loading import load_hq_posts, load_member_units
from portal.air.models import (
    Acknowledgement,
    CapMessage,
    HqPost,
    InfoReport,
    MemberUnit,
    WarningEpisode,
)
from portal.air.selectors import notify_clock
from portal.audit.models import AuditEntry
from portal.core.loading import load_units

YELLOW = {"kind": "daily", "values": [201, 90]}
ORANGE = {"kind": "daily", "values": [201, 201]}
CLEAN = {"kind": "daily", "values": [60, 60]}


def _holder(make_user, username, post: HqPost):
    user = make_user(username, Role.COMMANDER)
    person = Person.objects.create(name=username, user=user)
    position_assign(position=post.position, person=person, start=date(2024, 1, 1))
    return user


@pytest.fixture
def hq(db, make_user):
    load_units()
    load_member_units()
    load_hq_posts()
    commander_post = HqPost.objects.get(kind="commander")
    deputy_post = HqPost.objects.get(position__name="区生态环境分局主要负责人")
    office_unit = Department.objects.get(code="sthjfj")
    town = Department.objects.get(code="bsdz")
    street = Department.objects.get(code="xszjd")
    return SimpleNamespace(
        commander=_holder(make_user, "commander", commander_post),
        deputy=_holder(make_user, "deputy", deputy_post),
        deputy_post=deputy_post,
        office=make_user("office", Role.HQ_OFFICE, department=office_unit),
        town_user=make_user("town", Role.UNIT, department=town),
        street_user=make_user("street", Role.UNIT, department=street),
        outsider=make_user("outsider", Role.COMMANDER),
        auditor=make_user("auditor", Role.AUDITOR),
        town=MemberUnit.objects.get(department=town),
        street=MemberUnit.objects.get(department=street),
    )


def _published(hq, forecast=YELLOW, approver=None):
    decision = services.warning_draft(actor=hq.office, forecast=forecast)
    services.warning_approve(decision=decision, actor=approver or hq.deputy)
    return services.warning_publish(decision=decision, actor=hq.office)


def test_loaders_are_idempotent(hq):
    assert load_member_units() == 0
    assert load_hq_posts() == 0
    # 2.1 lists 21 entries; 各镇(街道) stands for every town and street.
    assert MemberUnit.objects.filter(name="区生态环境分局").exists()
    assert not MemberUnit.objects.filter(name="各镇(街道)").exists()


def test_a_yellow_warning_goes_from_forecast_to_publication_with_reports_and_cap(hq):
    decision = services.warning_draft(actor=hq.office, forecast=YELLOW, note="预计持续24小时")
    assert (decision.level, decision.action, decision.response) == ("yellow", "issue", "III")
    assert decision.result["reduction_target_percent"] == 20
    assert decision.result["hourly_levels"][:24] == ["yellow"] * 24
    services.warning_approve(decision=decision, actor=hq.deputy)
    decision.refresh_from_db()
    assert decision.status == "approved"
    assert "副指挥长" in decision.approver_post
    # 3.2: a deputy approving yellow informs the 指挥长.
    assert InfoReport.objects.filter(
        decision=decision, recipient__startswith="区指挥部指挥长(黄色"
    ).exists()
    services.warning_publish(decision=decision, actor=hq.office)
    decision.refresh_from_db()
    assert decision.status == "published"
    assert decision.episode.status == "active"
    assert decision.episode.level == "yellow"
    # 4.5: reports to 区政府, the 指挥长 and 市指挥部办公室.
    recipients = set(
        InfoReport.objects.filter(decision=decision, clause="4.5").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {"区政府", "区指挥部指挥长", "市指挥部办公室"}
    # Every member unit has an acknowledgement to give.
    assert Acknowledgement.objects.filter(decision=decision).count() == MemberUnit.objects.count()
    cap = CapMessage.objects.get(decision=decision)
    assert cap.msg_type == "Alert"
    assert check_schema(cap.xml.encode()).passed
    assert "<severity>Moderate</severity>" in cap.xml
    assert "+08:00</sent>" in cap.xml
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"air.decision.draft", "air.decision.approve", "air.decision.publish"} <= actions


def test_orange_needs_the_commander_or_an_authorised_deputy(hq):
    decision = services.warning_draft(actor=hq.office, forecast=ORANGE)
    assert decision.level == "orange"
    with pytest.raises(DomainError, match="指挥长授权"):
        services.warning_approve(decision=decision, actor=hq.deputy)
    # The deputy cannot authorise himself; the commander can.
    with pytest.raises(DomainError):
        services.hq_post_authorise(post=hq.deputy_post, actor=hq.deputy, authorised=True)
    services.hq_post_authorise(post=hq.deputy_post, actor=hq.commander, authorised=True)
    services.warning_approve(decision=decision, actor=hq.deputy)
    decision.refresh_from_db()
    assert decision.status == "approved"


def test_the_commander_approves_red_and_no_yellow_notice_is_needed(hq):
    decision = services.warning_draft(
        actor=hq.office, forecast={"kind": "daily", "values": [301, 250, 250]}
    )
    assert decision.level == "red"
    services.warning_approve(decision=decision, actor=hq.commander)
    assert not InfoReport.objects.filter(decision=decision).exists()
    services.warning_publish(decision=decision, actor=hq.office)
    assert "<severity>Extreme</severity>" in CapMessage.objects.get(decision=decision).xml


def test_people_without_the_post_or_role_cannot_approve_or_draft(hq):
    decision = services.warning_draft(actor=hq.office, forecast=YELLOW)
    for user in (hq.outsider, hq.office, hq.town_user, hq.auditor):
        with pytest.raises(DomainError):
            services.warning_approve(decision=decision, actor=user)
    with pytest.raises(DomainError):
        services.warning_draft(actor=hq.town_user, forecast=YELLOW)
    with pytest.raises(DomainError):
        services.warning_publish(decision=decision, actor=hq.office)  # not approved yet


def test_a_second_draft_waits_for_the_first(hq):
    services.warning_draft(actor=hq.office, forecast=YELLOW)
    with pytest.raises(DomainError) as err:
        services.warning_draft(actor=hq.office, forecast=ORANGE)
    assert err.value.code == "air.pending"


def test_no_change_is_refused_with_the_reason(hq):
    with pytest.raises(DomainError) as err:
        services.warning_draft(actor=hq.office, forecast=CLEAN)
    assert err.value.code == "air.no_change"


def test_rejection_cancels_a_draft_episode(hq):
    decision = services.warning_draft(actor=hq.office, forecast=YELLOW)
    with pytest.raises(DomainError):
        services.warning_reject(decision=decision, actor=hq.deputy, opinion=" ")
    services.warning_reject(decision=decision, actor=hq.deputy, opinion="数据待核实")
    assert WarningEpisode.objects.get().status == "cancelled"


def test_upgrade_and_release_update_and_cancel_with_references(hq):
    first = _published(hq)
    upgrade = services.warning_draft(actor=hq.office, forecast=ORANGE)
    assert (upgrade.action, upgrade.previous_level) == ("upgrade", "yellow")
    services.warning_approve(decision=upgrade, actor=hq.commander)
    services.warning_publish(decision=upgrade, actor=hq.office)
    update = CapMessage.objects.get(decision=upgrade)
    assert update.msg_type == "Update"
    assert first.cap.identifier in update.references
    release = services.warning_draft(actor=hq.office, forecast=CLEAN)
    assert release.action == "release"
    # Releasing orange is approved like orange (3.3: same subject and procedure).
    with pytest.raises(DomainError):
        services.warning_approve(decision=release, actor=hq.deputy)
    services.warning_approve(decision=release, actor=hq.commander)
    services.warning_publish(decision=release, actor=hq.office)
    cancel = CapMessage.objects.get(decision=release)
    assert cancel.msg_type == "Cancel"
    assert first.cap.identifier in cancel.references
    assert update.identifier in cancel.references
    assert check_schema(cancel.xml.encode()).passed
    episode = WarningEpisode.objects.get()
    assert episode.status == "released"  # 4.6: release ends the response
    assert episode.level == "none"


def test_each_unit_acknowledges_its_own_and_the_two_hour_clock_runs_from_receipt(hq):
    decision = _published(hq)
    own = Acknowledgement.objects.get(decision=decision, member=hq.town)
    other = Acknowledgement.objects.get(decision=decision, member=hq.street)
    with pytest.raises(DomainError):
        services.acknowledgement_receive(ack=other, actor=hq.town_user)
    services.acknowledgement_receive(ack=own, actor=hq.town_user)
    own.refresh_from_db()
    clock = notify_clock(own)
    assert clock is not None
    assert clock.from_receipt
    assert clock.deadline == own.received_at + timedelta(hours=2)
    assert not clock.overdue
    assert notify_clock(own, now=own.received_at + timedelta(hours=2, minutes=1)).overdue
    # A unit that never acknowledges: the clock runs from publication.
    silent = notify_clock(other, now=decision.published_at + timedelta(hours=3))
    assert silent.overdue
    assert not silent.from_receipt
    services.acknowledgement_notify(ack=own, actor=hq.town_user, count=12)
    own.refresh_from_db()
    assert own.notified_count == 12
    assert notify_clock(own).state == "按时完成"


def test_late_notice_stays_overdue(hq):
    decision = _published(hq)
    ack = Acknowledgement.objects.get(decision=decision, member=hq.town)
    services.acknowledgement_receive(ack=ack, actor=hq.town_user)
    ack.refresh_from_db()
    Acknowledgement.objects.filter(pk=ack.pk).update(
        notified_at=ack.received_at + timedelta(hours=3)
    )
    ack.refresh_from_db()
    assert notify_clock(ack).state == "逾期完成"


def test_summaries_after_release_and_the_office_evaluation(hq):
    _published(hq)
    episode = WarningEpisode.objects.get()
    with pytest.raises(DomainError):
        services.summary_submit(episode=episode, member=hq.town, actor=hq.town_user, text="洒水4次")
    release = services.warning_draft(actor=hq.office, forecast=CLEAN)
    services.warning_approve(decision=release, actor=hq.deputy)
    services.warning_publish(decision=release, actor=hq.office)
    episode.refresh_from_db()
    with pytest.raises(DomainError):
        services.summary_submit(
            episode=episode, member=hq.street, actor=hq.town_user, text="不是本单位"
        )
    services.summary_submit(
        episode=episode, member=hq.town, actor=hq.town_user, text="停止露天作业3处"
    )
    with pytest.raises(DomainError):
        services.evaluation_submit(episode=episode, actor=hq.town_user, text="评估")
    services.evaluation_submit(episode=episode, actor=hq.office, text="措施落实到位")
    episode.refresh_from_db()
    assert episode.evaluation == "措施落实到位"


def test_reports_are_marked_sent_by_the_office_only(hq):
    decision = _published(hq)
    report = InfoReport.objects.filter(decision=decision).first()
    with pytest.raises(DomainError):
        services.report_mark_sent(report=report, actor=hq.town_user)
    services.report_mark_sent(report=report, actor=hq.office)
    report.refresh_from_db()
    assert report.sent_by == hq.office


def test_a_unit_added_after_the_member_list_is_matched_by_name(hq, make_user):
    from portal.accounts.services import department_upsert

    member = MemberUnit.objects.get(name="区发改局")
    assert member.department is None
    fgj = department_upsert(code="fgj-test", name="区发改局", kind="organ")[0]
    user = make_user("fgj", Role.UNIT, department=fgj)
    assert services.can_act_for(user, member)
    assert not services.can_act_for(user, hq.town)
    assert load_member_units() == 0


def test_duty_is_recorded_by_the_unit_during_a_response_and_gaps_are_shown(hq):
    from portal.air.models import DutyShift

    decision = _published(hq)
    episode = decision.episode
    start = episode.started_at
    with pytest.raises(DomainError):
        services.duty_record(
            episode=episode,
            member=hq.street,
            actor=hq.town_user,
            person="张三",
            phone="1",
            starts=start,
            ends=start + timedelta(hours=12),
        )
    with pytest.raises(DomainError):
        services.duty_record(
            episode=episode,
            member=hq.town,
            actor=hq.town_user,
            person="张三",
            phone="1",
            starts=start,
            ends=start,
        )
    services.duty_record(
        episode=episode,
        member=hq.town,
        actor=hq.town_user,
        person="张三",
        phone="138",
        starts=start,
        ends=start + timedelta(hours=12),
    )
    gaps = services.duty_gaps(episode, hq.town, until=start + timedelta(hours=24))
    assert gaps == [(start + timedelta(hours=12), start + timedelta(hours=24))]
    assert services.duty_gaps(episode, hq.street, until=start + timedelta(hours=24)) == [
        (start, start + timedelta(hours=24))
    ]
    assert DutyShift.objects.count() == 1


def test_one_open_episode_at_a_time_is_a_database_guarantee(hq):
    from django.db import IntegrityError, transaction

    services.warning_draft(actor=hq.office, forecast=YELLOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        WarningEpisode.objects.create(
            episode="pm25", created_at=WarningEpisode.objects.get().created_at
        )


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_drafts_leave_one_episode_and_one_draft(make_user):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL")
    load_units()
    load_member_units()
    office = make_user("office-pg", Role.HQ_OFFICE)
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def draft() -> None:
        try:
            barrier.wait()
            services.warning_draft(actor=office, forecast=YELLOW)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=draft) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert set(outcomes) <= {"ok", "air.pending"}
    assert WarningEpisode.objects.count() == 1


def test_episode_statistics_feed_the_office_evaluation(hq):
    from portal.air.selectors import episode_statistics

    decision = _published(hq)
    ack = Acknowledgement.objects.get(decision=decision, member=hq.town)
    services.acknowledgement_notify(ack=ack, actor=hq.town_user, count=3)
    release = services.warning_draft(actor=hq.office, forecast=CLEAN)
    services.warning_approve(decision=release, actor=hq.deputy)
    services.warning_publish(decision=release, actor=hq.office)
    episode = WarningEpisode.objects.get()
    services.summary_submit(episode=episode, member=hq.town, actor=hq.town_user, text="已落实")
    later = episode.released_at + timedelta(hours=5)
    stats = episode_statistics(episode, now=later)
    members = MemberUnit.objects.count()
    assert stats.decisions == 2
    assert stats.highest_level == "yellow"
    assert stats.notices == 2 * members
    assert stats.notified_on_time == 1
    assert stats.not_notified == 2 * members - 1
    assert stats.summaries == 1
    assert stats.summaries_missing == members - 1


def test_the_cap_organ_code_comes_from_the_setting_and_references_keep_each_senders_code(
    hq, settings, monkeypatch
):
    monkeypatch.delenv("CHENGQU_CAP_ORG_CODE", raising=False)
    settings.CHENGQU_CAP_ORG_CODE = ""
    first = _published(hq)
    assert first.cap.identifier.startswith("14050200000000_")  # the assumed default
    settings.CHENGQU_CAP_ORG_CODE = "531"
    upgrade = services.warning_draft(actor=hq.office, forecast=ORANGE)
    services.warning_approve(decision=upgrade, actor=hq.commander)
    services.warning_publish(decision=upgrade, actor=hq.office)
    update = CapMessage.objects.get(decision=upgrade)
    assert update.identifier.startswith("14050253100000_")
    assert "<sender>14050253100000</sender>" in update.xml
    assert f"14050200000000,{first.cap.identifier}," in update.references
    assert check_schema(update.xml.encode()).passed
    settings.CHENGQU_CAP_ORG_CODE = "53"
    release = services.warning_draft(actor=hq.office, forecast=CLEAN)
    services.warning_approve(decision=release, actor=hq.commander)
    with pytest.raises(DomainError) as err:
        services.warning_publish(decision=release, actor=hq.office)
    assert err.value.field == "org_code"


def test_the_cap_organ_code_can_come_from_the_environment(hq, settings, monkeypatch):
    settings.CHENGQU_CAP_ORG_CODE = None
    monkeypatch.setenv("CHENGQU_CAP_ORG_CODE", "407")
    assert _published(hq).cap.identifier.startswith("14050240700000_")
