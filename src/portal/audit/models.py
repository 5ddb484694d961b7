"""The append-only, hash-chained audit log.

Each entry stores the hash of the previous entry and the SHA-256 of its own canonical content
(which includes that previous hash), so an entry edited or removed in the database breaks the
chain at that point. ``AuditHead`` is a single row holding the last sequence number and hash: writers
lock it, which both orders concurrent writers and lets verification notice a removed tail.

``mac`` authenticates the same content with the audit key, which is not in the database, and the
head is also written to a file outside it (``portal.audit.anchor``): a rewrite that recomputes
every hash is still caught. Entries written before the key existed have an empty ``mac`` until
``chengqu audit rekey`` fills it in once; that is the only update an entry ever receives.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from portal.audit.actions import label


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计日志只能追加, 不能修改")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("审计日志只能追加, 不能删除")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64, unique=True)
    mac = models.CharField("MAC", max_length=64, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Integrity guard, not business logic: an entry, once written, is never rewritten.
        if not self._state.adding:
            raise AppendOnlyError("审计日志只能追加, 不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计日志只能追加, 不能删除")

    @property
    def action_label(self) -> str:
        """The Chinese name of the action, as its app declared it."""
        return label(self.action)


class AuditHead(models.Model):
    """The chain's tip: one row (pk=1), locked by every writer."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64, blank=True, default="")
    # The first entry with a MAC (0: none yet; 1 once the chain is sealed).
    keyed_from = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.seq}"
