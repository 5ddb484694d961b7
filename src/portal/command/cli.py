"""`chengqu command …`: the command module's commands."""

from __future__ import annotations

import click


@click.group(name="command")
def group() -> None:
    """应急指挥。"""
