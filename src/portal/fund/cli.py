"""`chengqu fund …`: the fund module's commands."""

from __future__ import annotations

import click


@click.group(name="fund")
def group() -> None:
    """应急周转资金。"""
