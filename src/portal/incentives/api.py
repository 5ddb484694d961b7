"""JSON API of the incentives module, mounted at /api/v1/incentives/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["惠企政策"])
