"""JSON API of the command module, mounted at /api/v1/command/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["应急指挥"])
