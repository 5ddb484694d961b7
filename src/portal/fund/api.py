"""JSON API of the fund module, mounted at /api/v1/fund/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["应急周转资金"])
