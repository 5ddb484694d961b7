"""The Content-Security-Policy in a real browser: the main pages, anonymous and signed in, run and
look as before under the strict policy, and the browser reports no violation.

Violations are caught twice: the page's ``securitypolicyviolation`` events (reported to the test
through an exposed function) and console errors. A first test proves the watch works: markup with
an inline style, inserted into a page, is refused and reported.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "E2e-Csp-Password-1"
NEW_PASSWORD = "E2e-Csp-Password-2-new"

WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspReport(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""

# (path, selector, CSS property, expected value): a rule from the page's static stylesheet applied.
ANONYMOUS = [
    ("/", "header.site-header", "border-bottom-style", "solid"),
    ("/gazette/", "header.site-header", "border-bottom-style", "solid"),
    ("/gazette/search/?q=预案", "input.narrow-year", "width", "96px"),
    ("/incentives/", "header.site-header", "border-bottom-style", "solid"),
    ("/incentives/fee/", "header.site-header", "border-bottom-style", "solid"),
    ("/air/", ".warn-banner", "border-left-width", "8px"),
    ("/relics/public/", "header.site-header", "border-bottom-style", "solid"),
    ("/accounts/login/", "button[type=submit]", "background-color", "rgb(181, 18, 27)"),
]
ADMIN = [
    ("/", "header.site-header", "border-bottom-style", "solid"),
    ("/accounts/password/", "#password-change", "display", "grid"),
    ("/notify/", "#inbox", "list-style-type", "none"),
    ("/notify/subscriptions/", "ul.plain-list", "list-style-type", "none"),
    ("/supervision/", ".sv-nav", "display", "flex"),
    ("/supervision/bulletin/", "svg.bulletin-chart", "max-width", "896px"),
    ("/supervision/hazards/", ".sv-nav", "display", "flex"),
    ("/supervision/duties/", ".sv-nav", "display", "flex"),
    ("/air/office/", "table.grid", "border-collapse", "collapse"),
    ("/air/list/", "header.site-header", "border-bottom-style", "solid"),
    ("/command/", ".cmd-nav", "display", "flex"),
    ("/command/incidents/", ".cmd-nav", "display", "flex"),
    ("/fund/", "nav.filters", "display", "flex"),
    ("/fund/reports/", "nav.filters", "display", "flex"),
    ("/incentives/batch/", "div.scroll-x", "overflow-x", "auto"),
    ("/incentives/ledger/", "div.scroll-x", "overflow-x", "auto"),
    ("/relics/", "header.site-header", "border-bottom-style", "solid"),
    ("/audit/", "header.site-header", "border-bottom-style", "solid"),
    # The Django admin: its own static CSS and scripts, same policy.
    ("/admin/", "#header", "display", "flex"),
    ("/admin/accounts/user/", "#changelist", "display", "flex"),
    ("/admin/accounts/user/add/", "#header", "display", "flex"),
]


@pytest.fixture
def watched(browser, base_url):
    """A fresh browser context whose pages report every CSP violation and console error."""
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    problems: list[str] = []
    context.expose_function("__cspReport", lambda text: problems.append(f"violation: {text}"))
    context.add_init_script(WATCH)
    page = context.new_page()
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on(
        "request",
        lambda r: problems.append(f"outside: {r.url}") if not r.url.startswith(base_url) else None,
    )
    yield page, problems
    context.close()


def _sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator(".account")).to_contain_text("退出")


def _visit(page, problems: list[str], pages) -> None:
    for path, selector, prop, expected in pages:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        assert "script-src 'self'" in (response.header_value("content-security-policy") or ""), path
        page.wait_for_load_state("load")
        value = page.locator(selector).first.evaluate(
            f"e => getComputedStyle(e)[{prop!r}.replace(/-./g, c => c[1].toUpperCase())]"
        )
        assert value == expected, (
            f"{path}: {selector} {prop} = {value!r}, the static stylesheet is not applied"
        )
        # Reports are delivered asynchronously: let them arrive before leaving the page.
        page.evaluate("() => new Promise(r => setTimeout(r, 50))")
        assert problems == [], f"{path}: {problems}"


def test_the_watch_sees_a_refused_inline_style(watched):
    page, problems = watched
    page.goto("/")
    colour = page.evaluate(
        """() => { document.body.insertAdjacentHTML("beforeend", '<p id="injected" style="color: rgb(255, 0, 0)">x</p>');
                  return getComputedStyle(document.getElementById("injected")).color; }"""
    )
    assert colour != "rgb(255, 0, 0)"  # the inline style did not apply
    page.evaluate("() => new Promise(r => setTimeout(r, 100))")
    assert any("violation: style-src-attr" in p for p in problems), problems


def test_the_watch_sees_inline_code_in_served_markup(watched):
    """A page served with the platform's header and a <style>, a <script> and a handler in its
    markup (answered by the browser's router, never by the server) is reported three times."""
    page, problems = watched
    header = page.request.get("/").headers["content-security-policy"]
    body = '<!doctype html><style>p{}</style><script>1</script><p onclick="1">x</p>'
    page.route(
        "**/csp-probe",
        lambda route: route.fulfill(
            status=200,
            body=body,
            headers={"Content-Type": "text/html", "Content-Security-Policy": header},
        ),
    )
    page.goto("/csp-probe")
    page.evaluate("() => new Promise(r => setTimeout(r, 100))")
    violations = " ".join(p for p in problems if p.startswith("violation"))
    assert "style-src-elem" in violations
    assert "script-src-elem" in violations
    page.click("p")
    page.evaluate("() => new Promise(r => setTimeout(r, 100))")
    assert "script-src-attr" in " ".join(problems), problems


def test_public_pages_pass_the_policy(watched):
    page, problems = watched
    _visit(page, problems, ANONYMOUS)


def test_signed_in_pages_the_admin_and_the_api_docs_pass_the_policy(watched, admin_password):
    page, problems = watched
    _sign_in(page, "admin", admin_password)
    _visit(page, problems, ADMIN)
    # A task's page and an incident's, where the list has one.
    for listing, pattern in (
        ("/supervision/", r"^/supervision/item/\d+/$"),
        ("/command/incidents/", r"^/command/incidents/\d+/$"),
    ):
        page.goto(listing)
        links = [
            h
            for h in page.locator("main a").evaluate_all(
                "as => as.map(a => a.getAttribute('href'))"
            )
            if h and re.match(pattern, h)
        ]
        if links:
            page.goto(links[0])
            expect(page.locator("h1")).to_be_visible()
            assert problems == [], f"{links[0]}: {problems}"
    # Swagger UI renders from its static script (so script ran) and fetches the schema.
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible(timeout=15_000)
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    page.evaluate("() => new Promise(r => setTimeout(r, 200))")
    assert problems == [], f"/api/v1/docs: {problems}"


def test_an_enterprise_user_picks_a_measure_and_changes_the_password_under_the_policy(
    watched, chengqu
):
    page, problems = watched
    tag = secrets.token_hex(3)
    username = f"e2e-csp-ent-{tag}"
    chengqu(
        "user-add",
        username,
        "--role",
        "enterprise",
        "--unit",
        f"e2e-csp-qy-{tag}",
        "--unit-name",
        f"浏览器测试企业{tag}",
        "--unit-kind",
        "enterprise",
        "--password",
        PASSWORD,
    )
    _sign_in(page, username, PASSWORD)
    # The measure selector sends its form from a static script (it was an inline onchange).
    page.goto("/incentives/claims/new/")
    select = page.locator("select[name=measure]")
    other = select.locator("option").nth(1).get_attribute("value")
    with page.expect_navigation():
        select.select_option(other)
    assert f"measure={other}" in page.url
    expect(page.locator("#claim-form legend")).to_contain_text(f"第{other}条")

    page.click("a[href='/accounts/password/']")
    page.fill("#id_old_password", "wrong-password-1")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("#password-change button[type=submit]")
    expect(page.locator("#password-change .error")).to_contain_text("旧密码不正确")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("#password-change button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("密码已修改")
    expect(page.locator(".account")).to_contain_text("退出")  # still signed in
    page.click(".account button")
    expect(page.locator(".account")).to_contain_text("登录")
    _sign_in(page, username, NEW_PASSWORD)
    assert problems == [], problems
