"""Pages of the inbox: the notices that reach the signed-in user, read state, subscriptions.

Every page needs a signed-in user, whatever the role: the inbox is personal. A notice that does
not reach the user is answered with 404, as if it did not exist.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from chengqu.common import DomainError
from portal.core.auth import current_user
from portal.notify import selectors, services
from portal.notify.context import remember, request_unread
from portal.notify.models import Notification

PAGE_SIZE = 50


def _kind(raw: str | None) -> str:
    return raw if raw in Notification.Kind.values else ""


def _back(request: HttpRequest) -> str:
    unread = "1" if request.POST.get("unread") == "1" else ""
    query = {k: v for k, v in (("kind", _kind(request.POST.get("kind"))), ("unread", unread)) if v}
    url = reverse("notify:inbox")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    kind = _kind(request.GET.get("kind"))
    unread_only = request.GET.get("unread") == "1"
    # UnreadFirst pages like a list (count() and slices), which is all the Paginator uses.
    box = selectors.inbox(user, kind=kind, unread_only=unread_only)
    if isinstance(box, selectors.UnreadFirst) and not kind:
        remember(request, box.unread_count())
    rows = cast("list[Notification]", box)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/inbox.html",
        {
            "page": page,
            "kind": kind,
            "unread_only": unread_only,
            "kinds": Notification.Kind.choices,
            "unread_total": request_unread(request),
        },
    )


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read; with ``open`` go on to what it is about."""
    user = current_user(request)
    notification = selectors.notification_get(user, pk)
    services.mark_read(user=user, notification=notification)
    if (
        request.POST.get("open")
        and notification.url
        and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(notification.url)
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=current_user(request), kind=_kind(request.POST.get("kind")))
    messages.success(request, f"已将 {count} 条通知标为已读")
    return redirect(_back(request))


@login_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    """Choose the incident types (by the HQ that commands them) whose incidents reach you."""
    user = current_user(request)
    error = ""
    if request.method == "POST":
        try:
            services.subscriptions_set(user=user, wanted=request.POST.getlist("topic"))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "订阅已保存")
            return redirect("notify:subscriptions")
    chosen = selectors.subscribed_topics(user)
    rows = [(key, name, words, key in chosen) for key, name, words in selectors.topics()]
    return render(
        request,
        "notify/subscriptions.html",
        {
            "rows": rows,
            "error": error,
            "allowed": selectors.may_subscribe(user=user),
        },
    )
