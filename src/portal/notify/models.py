"""Tables of the notification inbox.

A :class:`Notification` is written once and addressed to users, posts and units through
:class:`Address` rows. Who sees it is decided when the inbox is read: a notice to a post
reaches whoever holds the post *now* (the next holder sees it after a reassignment), a notice
to a unit reaches every user of the unit. A user who is reached several ways sees it once.
Read state is per user (:class:`Receipt`); external channels leave a :class:`Delivery` each.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.accounts.models import Department, Position


class Notification(models.Model):
    class Kind(models.TextChoices):
        INCIDENT = "incident", "突发事件"
        CLOCK = "clock", "报告时限"
        AIR = "air", "重污染天气预警"
        MESSAGE = "message", "通知"

    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.MESSAGE)
    topic = models.CharField(
        "主题", max_length=64, blank=True, help_text="如指挥部编码, 订阅按此匹配"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    source = models.CharField("依据", max_length=300, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set by callers that must not send the same notice twice (e.g. one overdue notice per clock).
    key = models.CharField("去重键", max_length=128, null=True, blank=True, unique=True)
    created_at = models.DateTimeField("发送时间", db_index=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Address(models.Model):
    """One addressee of a notice: exactly one of a user, a post or a unit."""

    notification = models.ForeignKey(
        Notification, verbose_name="通知", on_delete=models.CASCADE, related_name="addresses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    position = models.ForeignKey(
        Position,
        verbose_name="岗位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField("送达原因", max_length=128, blank=True)

    class Meta:
        verbose_name = "收件对象"
        verbose_name_plural = "收件对象"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, position__isnull=True, department__isnull=True)
                    | Q(user__isnull=True, position__isnull=False, department__isnull=True)
                    | Q(user__isnull=True, position__isnull=True, department__isnull=False)
                ),
                name="notify_address_exactly_one",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "notification"], name="notify_addr_user"),
            models.Index(fields=["position", "notification"], name="notify_addr_post"),
            models.Index(fields=["department", "notification"], name="notify_addr_unit"),
        ]

    def __str__(self) -> str:
        return str(self.user or self.position or self.department)


class Receipt(models.Model):
    """A user has read a notice."""

    notification = models.ForeignKey(
        Notification, verbose_name="通知", on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField("阅读时间")

    class Meta:
        verbose_name = "已读记录"
        verbose_name_plural = "已读记录"
        constraints = [
            models.UniqueConstraint(fields=["user", "notification"], name="notify_receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.notification}"


class Subscription(models.Model):
    """A user wants incidents routed to one HQ (by its key in the routing table)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notify_subscriptions",
    )
    topic = models.CharField("事件类型(指挥部编码)", max_length=64)
    created_at = models.DateTimeField("订阅时间")

    class Meta:
        verbose_name = "订阅"
        verbose_name_plural = "订阅"
        ordering = ["user", "topic"]
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="notify_subscription_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.topic}"


class Delivery(models.Model):
    """One attempt to send a notice to one user over an external channel (SMS, e-mail, log)."""

    class Status(models.TextChoices):
        SENT = "sent", "已发送"
        SKIPPED = "skipped", "未发送(无联系方式)"
        FAILED = "failed", "发送失败"

    notification = models.ForeignKey(
        Notification, verbose_name="通知", on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField("渠道", max_length=32)
    target = models.CharField("发送至", max_length=254, blank=True)
    status = models.CharField("结果", max_length=8, choices=Status.choices)
    error = models.TextField("错误", blank=True)
    attempted_at = models.DateTimeField("发送时间")

    class Meta:
        verbose_name = "外部渠道发送记录"
        verbose_name_plural = "外部渠道发送记录"
        ordering = ["-attempted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.channel} · {self.target} · {self.get_status_display()}"
