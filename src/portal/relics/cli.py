"""`chengqu relics …`: the relics module's commands."""

from __future__ import annotations

import click


@click.group(name="relics")
def group() -> None:
    """文物普查。"""
