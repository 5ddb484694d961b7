"""Pages of the relics module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from portal.core.views import module_page


def index(request: HttpRequest) -> HttpResponse:
    # Until the module's own pages exist: what it will execute, stated honestly as 建设中.
    return module_page(request, "relics")
