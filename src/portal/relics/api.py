"""JSON API of the relics module, mounted at /api/v1/relics/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["文物普查"])
