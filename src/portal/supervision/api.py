"""JSON API of the supervision module, mounted at /api/v1/supervision/.

Same roles as the pages; a task the caller may not see answers 404; a refused step 4xx with
{code, message, field}.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from chengqu.common import clock
from chengqu.supervision import Action
from portal.core.api_schema import Day, Id, Offset, OneOf, max_len
from portal.core.auth import current_user
from portal.supervision import services
from portal.supervision.cli import task_json
from portal.supervision.models import LoopItem
from portal.supervision.selectors import filter_items, item_get, visible_items
from portal.supervision.views import READERS

router = Router(tags=["督查督办"])


REFUSAL = "您的角色无权访问"


@router.get("/tasks", summary="任务台账")
def tasks(
    request: HttpRequest,
    unit: Annotated[
        str, Query(max_length=max_len(LoopItem, "unit_name"))
    ] = "",  # a unit's id, or words of its name
    livelihood: bool = False,
    source: Annotated[str, Query(max_length=max_len(LoopItem, "source"))] = "",
    overdue: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    user = current_user(request, *READERS, refusal=REFUSAL)
    params = {
        "unit": unit,
        "livelihood": "1" if livelihood else "",
        "source": source,
        "overdue": "1" if overdue else "",
    }
    qs = (
        filter_items(visible_items(user), params, today=clock.today())
        .select_related("unit")
        .order_by("pk")
    )
    return [
        {**task_json(i), "state": i.state, "progress": i.progress}
        for i in qs[offset : offset + limit]
    ]


class ActIn(Schema):
    action: Annotated[str, OneOf(tuple(a.value for a in Action))]
    # The words go to the step's record, and a request for more time keeps them on the task too.
    text: Annotated[str, Field(max_length=max_len(LoopItem, "pending_reason"))] = ""
    evidence: str = ""
    progress: Annotated[int, Field(ge=0, le=100)] | None = None
    new_due: Day | None = None


@router.post("/items/{pk}/act", summary="办理一步")
def act(request: HttpRequest, pk: Id, payload: ActIn) -> dict[str, Any]:
    user = current_user(request, *READERS, refusal=REFUSAL)
    item = item_get(user=user, pk=pk)
    if item is None:
        raise Http404("没有这项任务")
    item = services.loop_act(
        actor=user,
        item=item,
        action=payload.action,
        text=payload.text,
        evidence=payload.evidence,
        progress=payload.progress,
        new_due=payload.new_due,
    )
    return {
        "id": item.pk,
        "state": item.state,
        "progress": item.progress,
        "due": item.due.isoformat(),
    }
