"""External channels (SMS, e-mail) behind one small protocol; the in-app inbox is always on.

Which channels run is configuration, never code: ``CHENGQU_NOTIFY_CHANNELS`` (environment, or
``NOTIFY_CHANNELS`` in Django settings), a comma-separated list of ``log``, ``email``, ``sms``
or the dotted path of a class implementing :class:`Channel`. The default is ``log``: it sends
nothing and writes to the ``portal.notify`` logger what it would have sent. ``none`` (or an
empty value) turns every external channel off.

SMS goes through an :class:`SmsGateway`; the only gateway shipped logs (``CHENGQU_NOTIFY_SMS_GATEWAY``
may name another class by dotted path once a provider is contracted).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

log = logging.getLogger("portal.notify")

DEFAULT_CHANNELS = "log"


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    username: str
    name: str
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class Message:
    notification_id: int
    title: str
    body: str
    url: str

    def text(self) -> str:
        """The plain text an SMS or e-mail carries."""
        parts = [f"【城区政务平台】{self.title}"]
        if self.body:
            parts.append(self.body)
        if self.url:
            parts.append(f"详见: {self.url}")
        return "\n".join(parts)


@runtime_checkable
class Channel(Protocol):
    """An external channel. ``target`` is where it would send ("" = nowhere: skipped);
    ``send`` raises on failure (the caller records the error, the in-app notice stays)."""

    name: str

    def target(self, recipient: Recipient) -> str: ...

    def send(self, recipient: Recipient, message: Message) -> None: ...


class LogChannel:
    """The default: logs what would be sent, sends nothing."""

    name = "log"

    def target(self, recipient: Recipient) -> str:
        return recipient.username

    def send(self, recipient: Recipient, message: Message) -> None:
        log.info(
            "notify (log only) to %s (%s): %s", recipient.username, recipient.name, message.text()
        )


class EmailChannel:
    """E-mail through Django's mail framework (EMAIL_BACKEND, EMAIL_HOST … in settings)."""

    name = "email"

    def target(self, recipient: Recipient) -> str:
        return recipient.email

    def send(self, recipient: Recipient, message: Message) -> None:
        send_mail(
            subject=message.title,
            message=message.text(),
            from_email=None,
            recipient_list=[recipient.email],
            fail_silently=False,
        )


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsGateway:
    """The only SMS gateway shipped: it logs the text it would send."""

    def send(self, phone: str, text: str) -> None:
        log.info("sms (log only) to %s: %s", phone, text)


class SmsChannel:
    name = "sms"

    def __init__(self, gateway: SmsGateway | None = None) -> None:
        self.gateway = gateway or _sms_gateway()

    def target(self, recipient: Recipient) -> str:
        return recipient.phone

    def send(self, recipient: Recipient, message: Message) -> None:
        self.gateway.send(recipient.phone, message.text())


def _sms_gateway() -> SmsGateway:
    path = os.environ.get("CHENGQU_NOTIFY_SMS_GATEWAY", "").strip()
    if not path:
        return LoggingSmsGateway()
    gateway: SmsGateway = import_string(path)()
    return gateway


BUILTIN: dict[str, type] = {"log": LogChannel, "email": EmailChannel, "sms": SmsChannel}


def configured_names() -> list[str]:
    raw = getattr(settings, "NOTIFY_CHANNELS", None)
    if raw is None:
        raw = os.environ.get("CHENGQU_NOTIFY_CHANNELS", DEFAULT_CHANNELS)
    names = [n.strip() for n in str(raw).split(",") if n.strip()]
    return [] if names == ["none"] else names


def external_channels() -> list[Channel]:
    """The configured channels; an unknown name is logged and left out, never fatal."""
    found: list[Channel] = []
    for name in configured_names():
        try:
            cls = BUILTIN[name] if name in BUILTIN else import_string(name)
            channel = cls()
        except Exception:
            log.exception("notify: channel %r cannot be loaded; left out", name)
            continue
        if not isinstance(channel, Channel):
            log.error("notify: %r is not a notification channel; left out", name)
            continue
        found.append(channel)
    return found
