"""Workbench tiles of the incentives module: claims waiting for this user's review or approval."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from portal.accounts.models import User
from portal.core.workbench import Tile
from portal.incentives import permissions, selectors
from portal.incentives.models import Claim


def tiles(user: User | AnonymousUser, today: date) -> list[Tile]:
    if not isinstance(user, User):
        return []
    claims = selectors.claim_list(user=user)
    url = reverse("incentives:claim-list")
    out: list[Tile] = []
    department = user.department
    if department is not None and permissions.can_review(user, department.name):
        count = claims.filter(status=Claim.Status.SUBMITTED, lead_unit=department.name).count()
        if count:
            out.append(
                Tile(
                    "incentives",
                    "待本单位审核的申报",
                    f"{url}?status=submitted",
                    count=count,
                    tone="yellow",
                )
            )
    if permissions.can_approve(user):
        count = claims.filter(status=Claim.Status.REVIEWED).count()
        if count:
            out.append(
                Tile(
                    "incentives",
                    "待区政府审批的申报",
                    f"{url}?status=reviewed",
                    count=count,
                    tone="yellow",
                )
            )
    return out
