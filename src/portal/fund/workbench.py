"""Workbench tiles of the fund: applications waiting for this user's step, and late ones."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from portal.accounts.models import User
from portal.core.workbench import Tile
from portal.fund import access, selectors
from portal.fund.models import State

OPEN = (
    State.DRAFT,
    State.SUBMITTED,
    State.SIGNED,
    State.APPROVED,
    State.CONTRACTED,
    State.DISBURSED,
    State.RENEWED,
)
LATE_SCAN = 300  # as many as the fund's list page shows


def tiles(user: User | AnonymousUser, today: date) -> list[Tile]:
    if not isinstance(user, User) or not access.has_any_view_role(user):
        return []
    visible = access.applications_visible(user)
    url = reverse("fund:index")
    out: list[Tile] = []
    steps = []
    if access.enterprise_of(user) is not None:
        steps.append((State.DRAFT, "未报送银行的申请"))
    if access.bank_of(user) is not None:
        steps.append((State.SUBMITTED, "待银行签署的申请"))
    if access.is_operator(user):
        steps.append((State.SIGNED, "待承办主体审核的申请"))
    for state, label in steps:
        count = visible.filter(state=state).count()
        if count:
            out.append(Tile("fund", label, f"{url}?state={state}", count=count, tone="yellow"))
    late = sum(
        selectors.is_overdue(a, today=today) for a in visible.filter(state__in=OPEN)[:LATE_SCAN]
    )
    if late:
        out.append(Tile("fund", "超过时限的周转资金", url, count=late, tone="red"))
    return out
