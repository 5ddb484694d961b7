"""How the platform finds what each module registers with it, by convention.

A module app registers with the platform by adding a submodule of a known name —
``workbench.py`` (its home-page tiles), ``actions.py`` (its audit actions), ``loading.py``
(what ``chengqu setup`` loads), ``notices.py`` (its subscription topics and notice sweeps). The
platform imports whichever of them exist, in ``INSTALLED_APPS`` order, and never names a module.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType

from django.apps import apps


@cache
def app_submodules(name: str, *, exclude: tuple[str, ...] = ()) -> tuple[ModuleType, ...]:
    """``portal.<app>.<name>`` of every installed portal app that has one, in app order.

    Looked up once per process (the installed apps do not change while it runs): the workbench
    and every notice ask on each request, and a missing submodule costs a search of the disk.
    An import error inside such a submodule is raised, not taken for its absence.
    """
    found: list[ModuleType] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("portal.") or config.name in exclude:
            continue
        dotted = f"{config.name}.{name}"
        try:
            found.append(import_module(dotted))
        except ModuleNotFoundError as exc:
            if exc.name == dotted:
                continue
            raise
    return tuple(found)
