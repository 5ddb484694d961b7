"""JSON API of the supervision module, mounted at /api/v1/supervision/.

Same roles as the pages; a task the caller may not see answers 404; a refused step 4xx with
{code, message, field}.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from chengqu.common import clock
from portal.accounts.models import User
from portal.accounts.roles import has_role
from portal.supervision import services
from portal.supervision.cli import task_json
from portal.supervision.models import LoopItem
from portal.supervision.selectors import filter_items, visible_items
from portal.supervision.views import READERS

router = Router(tags=["督查督办"])


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User) or not has_role(request.user, *READERS):
        raise PermissionDenied("您的角色无权访问")
    return request.user


@router.get("/tasks", summary="任务台账")
def tasks(request: HttpRequest, unit: str = "", livelihood: bool = False, source: str = "",
          overdue: bool = False, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    user = _user(request)
    params = {"unit": unit, "livelihood": "1" if livelihood else "", "source": source,
              "overdue": "1" if overdue else ""}
    qs = filter_items(visible_items(user), params, today=clock.today()).select_related("unit").order_by("pk")
    return [{**task_json(i), "state": i.state, "progress": i.progress}
            for i in qs[offset: offset + min(limit, 1000)]]


class ActIn(Schema):
    action: str
    text: str = ""
    evidence: str = ""
    progress: int | None = None
    new_due: date | None = None


@router.post("/items/{pk}/act", summary="办理一步")
def act(request: HttpRequest, pk: int, payload: ActIn) -> dict[str, Any]:
    user = _user(request)
    item = LoopItem.objects.filter(pk=pk).first()
    if item is None or not visible_items(user, item.kind).filter(pk=pk).exists():
        raise Http404("没有这项任务")
    item = services.loop_act(actor=user, item=item, action=payload.action, text=payload.text,
                             evidence=payload.evidence, progress=payload.progress, new_due=payload.new_due)
    return {"id": item.pk, "state": item.state, "progress": item.progress, "due": item.due.isoformat()}
