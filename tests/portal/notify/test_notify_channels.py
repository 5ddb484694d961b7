"""External channels: selected by configuration, run after the commit, each attempt recorded;
a failing channel never costs the in-app notice. The default only logs."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from portal.accounts.models import Person
from portal.accounts.roles import Role
from portal.notify import channels, selectors
from portal.notify.models import Delivery, Notification
from portal.notify.services import notify


class Broken:
    """A channel whose provider is down."""

    name = "broken"

    def target(self, recipient: channels.Recipient) -> str:
        return recipient.username

    def send(self, recipient: channels.Recipient, message: channels.Message) -> None:
        raise ConnectionError("短信网关无响应")


BROKEN = f"{__name__}.Broken"


@pytest.fixture
def use(settings):
    def configure(value: str) -> None:
        settings.NOTIFY_CHANNELS = value

    return configure


def test_the_default_channel_only_logs_what_it_would_send(
    office, caplog, monkeypatch, settings, django_capture_on_commit_callbacks
):
    monkeypatch.delenv("CHENGQU_NOTIFY_CHANNELS", raising=False)
    if hasattr(settings, "NOTIFY_CHANNELS"):
        del settings.NOTIFY_CHANNELS
    assert channels.configured_names() == ["log"]
    with (
        caplog.at_level(logging.INFO, logger="portal.notify"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(title="森林火灾", body="北山", users=[office])
    assert "森林火灾" in caplog.text
    assert "duty" in caplog.text
    assert list(Delivery.objects.values_list("channel", "status")) == [("log", "sent")]
    assert mail.outbox == []


def test_the_environment_selects_the_channels(office, monkeypatch, settings):
    if hasattr(settings, "NOTIFY_CHANNELS"):
        del settings.NOTIFY_CHANNELS
    monkeypatch.setenv("CHENGQU_NOTIFY_CHANNELS", "email, sms")
    assert [c.name for c in channels.external_channels()] == ["email", "sms"]
    monkeypatch.setenv("CHENGQU_NOTIFY_CHANNELS", "none")
    assert channels.external_channels() == []


def test_a_failing_channel_keeps_the_in_app_notice_and_records_the_error(
    office, use, django_capture_on_commit_callbacks
):
    use(f"{BROKEN},log")
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(title="须立即处置", users=[office])
    assert notice is not None
    assert Notification.objects.filter(pk=notice.pk).exists()
    assert [n.title for n in selectors.unread(office)] == ["须立即处置"]
    failed = Delivery.objects.get(channel="broken")
    assert failed.status == Delivery.Status.FAILED
    assert "短信网关无响应" in failed.error
    # The other channel still ran.
    assert Delivery.objects.get(channel="log").status == Delivery.Status.SENT


def test_nothing_goes_out_before_the_commit_or_when_the_caller_rolls_back(
    office, use, django_capture_on_commit_callbacks
):
    use("log")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(title="未提交", users=[office])
    assert len(callbacks) == 1
    assert Delivery.objects.count() == 0  # not yet: the caller's transaction has not committed


def test_email_goes_through_django_mail_and_a_user_without_an_address_is_skipped(
    make_user, forest, use, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    use("email")
    with_mail = make_user("mailer", Role.UNIT, department=forest.office_host)
    with_mail.email = "mailer@example.org"
    with_mail.save(update_fields=["email"])
    without = make_user("nomail", Role.UNIT, department=forest.office_host)
    with django_capture_on_commit_callbacks(execute=True):
        notify(title="邮件通知", body="内容", units=[forest.office_host])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mailer@example.org"]
    assert mail.outbox[0].subject == "邮件通知"
    rows = dict(Delivery.objects.values_list("user_id", "status"))
    assert rows == {with_mail.pk: "sent", without.pk: "skipped"}


def test_sms_uses_the_phone_of_the_person_behind_the_account_and_only_logs(
    office, use, caplog, django_capture_on_commit_callbacks
):
    Person.objects.create(name="值班员", phone="13800000000", user=office)
    use("sms")
    with (
        caplog.at_level(logging.INFO, logger="portal.notify"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(title="短信", users=[office])
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.target, delivery.status) == ("sms", "13800000000", "sent")
    assert "13800000000" in caplog.text


def test_an_unknown_channel_is_left_out_without_stopping_the_rest(office, use, caplog):
    use("carrier_pigeon,log")
    with caplog.at_level(logging.ERROR, logger="portal.notify"):
        found = channels.external_channels()
    assert [c.name for c in found] == ["log"]
    assert "carrier_pigeon" in caplog.text
