"""Snapshots of a record for the ``before`` and ``after`` of an audit entry."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.forms.models import model_to_dict

from portal.audit.chain import to_json_value


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The instance's concrete fields as JSON-ready values, for ``before`` and ``after``."""
    data = model_to_dict(instance, exclude=[*exclude, "password"])
    data["id"] = instance.pk
    return dict(to_json_value(data))
