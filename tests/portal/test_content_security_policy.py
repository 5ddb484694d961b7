"""The Content-Security-Policy: on every response, and pages that need nothing it forbids.

The policy (portal/core/security.py) allows no inline script, style or event handler. These tests
scan every template and every string in the Python code that builds HTML for such things, so a
new one fails here before a browser refuses it; tests/e2e/test_browser_csp.py watches a browser.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from portal.accounts.roles import Role
from portal.core.security import HEADER

PORTAL = Path(__file__).resolve().parents[2] / "src" / "portal"

# What the policy forbids in markup. A <script> with src= or a JSON data block is allowed.
FORBIDDEN = [
    (
        "inline script",
        re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", re.I),
    ),
    ("style block", re.compile(r"<style\b", re.I)),
    ("style attribute", re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S)),
    ("event handler", re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)),
    ("javascript: URL", re.compile(r"javascript:", re.I)),
]


def inline_code(text: str) -> list[str]:
    """The kinds of inline script or style found in a piece of markup."""
    return [name for name, pattern in FORBIDDEN if pattern.search(text)]


def _python_strings(path: Path) -> list[str]:
    """Every string literal in a module (f-string pieces too), where generated HTML lives."""
    kinds = {tokenize.STRING} | (
        {tokenize.FSTRING_MIDDLE} if hasattr(tokenize, "FSTRING_MIDDLE") else set()
    )
    source = path.read_text(encoding="utf-8")
    return [
        t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type in kinds
    ]


def test_the_scanner_finds_each_kind_of_inline_code():
    assert (
        inline_code(
            '<script src="/static/a.js"></script><script type="application/json">{}</script>'
        )
        == []
    )
    assert inline_code('<svg class="chart"><rect fill="#b22222" width="3"/></svg>') == []
    assert inline_code("<script>alert(1)</script>") == ["inline script"]
    assert inline_code("<style>p{}</style>") == ["style block"]
    assert inline_code('<div class="x" style="color:red">') == ["style attribute"]
    assert inline_code('<select name="m" onchange="this.form.submit()">') == ["event handler"]
    assert inline_code('<a href="javascript:void(0)">') == ["javascript: URL"]
    # A keyword argument in Python (python-docx's paragraph style) is not markup.
    assert inline_code('doc.add_paragraph(text, style="List Bullet")') == []


def test_no_template_has_inline_script_style_or_handlers():
    templates = sorted(PORTAL.glob("**/templates/**/*.html"))
    assert len(templates) > 50
    found = {
        str(p.relative_to(PORTAL)): kinds
        for p in templates
        if (kinds := inline_code(p.read_text("utf-8")))
    }
    assert found == {}


def test_no_html_built_in_python_has_inline_script_style_or_handlers():
    modules = sorted(p for p in PORTAL.glob("**/*.py") if "migrations" not in p.parts)
    found = {
        f"{p.relative_to(PORTAL)}: {s[:60]}": kinds
        for p in modules
        for s in _python_strings(p)
        if (kinds := inline_code(s))
    }
    assert found == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accounts/login/",
        "/gazette/",
        "/air/",
        "/incentives/",
        "/no-such-page/",
        "/healthz",
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/static/portal/site.css",
        "/admin/login/",
    ],
)
def test_every_response_carries_the_policy(client, path):
    response = client.get(path)
    assert response["Content-Security-Policy"] == HEADER


def test_the_policy_allows_no_inline_code_and_no_framing():
    directives = dict(d.strip().split(" ", 1) for d in HEADER.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in HEADER
    assert "nonce" not in HEADER
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"


@pytest.mark.django_db
def test_pages_signed_in_carry_the_policy_and_render_no_inline_code(make_user, login):
    admin = make_user("csp-admin", Role.ADMIN, is_superuser=True)
    client = login(admin)
    for path in [
        "/",
        "/accounts/password/",
        "/notify/",
        "/supervision/",
        "/supervision/bulletin/",
        "/fund/",
        "/command/",
        "/audit/",
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{admin.pk}/change/",
        "/api/v1/docs",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Security-Policy"] == HEADER, path
        assert inline_code(response.content.decode()) == [], path
