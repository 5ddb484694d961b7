"""`chengqu supervision …`: the supervision module's commands."""

from __future__ import annotations

import click


@click.group(name="supervision")
def group() -> None:
    """督查督办。"""
