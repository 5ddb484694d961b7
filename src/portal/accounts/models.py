"""Users, the units they belong to, and positions held by people.

Positions, not people: command headquarters, approvals and task lists name a post
(区应急管理局局长). A person holds it for a time; "成员如有变动,由相应岗位人员自然替补".
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Department(models.Model):
    """A unit: a district department, a town or street, a partner bank or an enterprise."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", "区政府及办公室"
        ORGAN = "organ", "区直部门"
        TOWN = "town", "镇"
        STREET = "street", "街道"
        BANK = "bank", "合作银行"
        ENTERPRISE = "enterprise", "企业"
        OTHER = "other", "其他单位"

    code = models.SlugField("编码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=128, unique=True)
    short_name = models.CharField("简称", max_length=64, blank=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """An account. ``department`` is the unit whose records the user may see and change."""

    display_name = models.CharField("姓名", max_length=64, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField("电话", max_length=32, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class Person(models.Model):
    """Somebody who holds a post; may or may not have an account."""

    name = models.CharField("姓名", max_length=64)
    phone = models.CharField("电话", max_length=32, blank=True)
    user = models.OneToOneField(
        User,
        verbose_name="账户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A post in a unit, e.g. 区应急管理局局长; its holder changes, the post does not."""

    department = models.ForeignKey(
        Department, verbose_name="单位", on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField("职务", max_length=64)
    name = models.CharField("岗位全称", max_length=128, unique=True)

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        ordering = ["department__code", "title"]
        constraints = [
            models.UniqueConstraint(fields=["department", "title"], name="position_unique_title"),
        ]

    def __str__(self) -> str:
        return self.name


class PositionHolding(models.Model):
    """Who held a post from ``start`` until ``end`` (open while current)."""

    position = models.ForeignKey(
        Position, verbose_name="岗位", on_delete=models.PROTECT, related_name="holdings"
    )
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="holdings"
    )
    start = models.DateField("任职日期")
    end = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        verbose_name = "任职记录"
        verbose_name_plural = "任职记录"
        ordering = ["position", "-start"]
        constraints = [
            # A post has at most one current holder; history is kept, never overwritten.
            models.UniqueConstraint(
                fields=["position"],
                condition=Q(end__isnull=True),
                name="position_one_current_holder",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="holding_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} · {self.person}"
