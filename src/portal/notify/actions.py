"""What the audit log may say about the inbox."""

from portal.audit.actions import AuditAction


class NotifyAction(AuditAction):
    SEND = "notify.send", "发送通知"
    SUBSCRIPTIONS = "notify.subscriptions", "修改订阅"
