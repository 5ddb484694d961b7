"""The home page, module pages and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from chengqu.common import clock
from portal.core.modules import MODULES, module
from portal.core.workbench import workbench


def home(request: HttpRequest) -> HttpResponse:
    labels = {m.key: m.label for m in MODULES}
    tiles = [(labels.get(t.module, t.module), t) for t in workbench(request.user, clock.today())]
    return render(request, "core/home.html", {"modules": MODULES, "tiles": tiles})


def module_page(request: HttpRequest, key: str) -> HttpResponse:
    found = module(key)
    if found is None:
        raise Http404("没有这个模块")
    return render(request, "core/module.html", {"module": found})


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and the CI smoke test: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "database": connection.vendor})
