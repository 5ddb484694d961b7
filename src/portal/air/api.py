"""JSON API of the air module, mounted at /api/v1/air/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["重污染天气"])
