"""What every `chengqu` verb shares: Django set up lazily, ``--json``, and one way to print.

Kept apart from :mod:`portal.cli` because that module imports every module's click group at
import time; a module's CLI importing from it would be a circular import.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.config.settings")
    import django

    django.setup()


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")(func)


def emit(as_json: bool, data: Any, text: str) -> None:
    """One JSON document on stdout with ``--json``, else the Chinese text."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(text)
