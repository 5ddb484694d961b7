"""JSON API of the air module, mounted at /api/v1/air/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from portal.air import selectors

router = Router(tags=["重污染天气"])


@router.get("/current", auth=None, summary="现行预警(公开)")
def current(request: HttpRequest) -> dict[str, Any]:
    """The warning in force (public, like the page): level, response, measures, CAP identifier."""
    episode = selectors.current_episode()
    decision = selectors.latest_published(episode) if episode else None
    if episode is None or decision is None:
        return {"level": "none", "response": None, "measures": [], "published_at": None, "cap": None}
    cap = getattr(decision, "cap", None)
    return {
        "level": episode.level,
        "response": decision.response or None,
        "reduction_target_percent": decision.result.get("reduction_target_percent"),
        "measures": decision.result.get("measures", []),
        "published_at": decision.published_at.isoformat() if decision.published_at else None,
        "started_at": episode.started_at.isoformat() if episode.started_at else None,
        "cap": cap.identifier if cap else None,
    }
