"""JSON API of the notification inbox, mounted at /api/v1/notify/."""

from ninja import Router

router = Router(tags=["消息通知"])
