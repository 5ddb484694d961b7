"""JSON API of the supervision module, mounted at /api/v1/supervision/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["督查督办"])
