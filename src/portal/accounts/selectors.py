"""Reads for accounts and organisation."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from portal.accounts.models import Person, Position, PositionHolding


def position_holder(*, position: Position, on: date | None = None) -> Person | None:
    """Who held the post on ``on`` (today's holder when omitted)."""
    holdings = PositionHolding.objects.filter(position=position).select_related("person")
    if on is None:
        holding = holdings.filter(end__isnull=True).first()
    else:
        holding = holdings.filter(Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on)).first()
    return holding.person if holding else None
