"""Response headers that limit what a page may load and run: the Content-Security-Policy.

Every page serves its scripts and styles as static files, so the policy allows only the
platform's own origin and no inline code at all (no ``'unsafe-inline'``, no nonces). A script or
style injected into a page by stored text therefore does not run, even if escaping ever failed.
The Django admin and the API docs (Swagger UI from django-ninja's own static files) pass the same
policy; ``tests/portal/test_security_headers.py`` keeps every template and every piece of
HTML built in Python free of inline script, style and event handlers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # data: for the small icons that the admin's and Swagger UI's stylesheets embed.
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADER = "; ".join(f"{directive} {sources}" for directive, sources in POLICY.items())


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that does not already carry one (static files too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", HEADER)
        return response
