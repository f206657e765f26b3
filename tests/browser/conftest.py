"""Browser tests: a real headless Chromium driven by Playwright against the app served
on 127.0.0.1 (CONVENTIONS.md habit 9: "a few drive a real browser").

How it fits together
- Every test under tests/browser gets the `browser` and `committing` markers
  automatically. `committing` makes tests/conftest.py skip the per-test rolled-back
  transaction (the server thread cannot share it) and empty all tables afterwards, so
  data a test creates must be committed for the browser to see it.
- Chromium is /usr/bin/chromium (Debian's package; Playwright's own browser downloads
  are not used). Override with BROWSER_EXECUTABLE=/path. Without it the tests are
  skipped, with REQUIRE_BROWSER=1 (CI) they fail.
- Fixtures: `live_server` (base URL), `page` (a fresh context + page per test, 10 s
  timeouts, external requests blocked, uncaught JS errors fail the test),
  `create_login(roles, ...)` (a committed user), `browser_login(page, email, password)`.
- SQLite note: every transaction starts with BEGIN IMMEDIATE (governance/__init__.py),
  so a transaction left open by the test thread blocks the server's writes. After
  reading or writing the database in a test, end the transaction
  (`db.session.commit()` / `db.session.rollback()`) before driving the browser again.
"""
from __future__ import annotations

import itertools
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BROWSER_DIR = Path(__file__).resolve().parent
DEFAULT_TIMEOUT_MS = 10_000
DEFAULT_PASSWORD = "browser-password-2026"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
FAILURE_SCREENSHOTS = Path(os.environ.get("BROWSER_FAILURE_DIR", "/tmp/browser-failures"))
HOW_TO_ENABLE = ("install Debian's Chromium to run them: apt-get install chromium "
                 "(or point BROWSER_EXECUTABLE at a Chromium binary); "
                 "CI sets REQUIRE_BROWSER=1 so they fail instead of skipping")


# --- finding Chromium -------------------------------------------------------------

def chromium_path() -> str | None:
    """The Chromium binary to drive, or None. BROWSER_EXECUTABLE wins when set (an
    unusable value means "no browser", which is how the skip path is tested)."""
    configured = os.environ.get("BROWSER_EXECUTABLE")
    candidates = [configured] if configured else [shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _missing_reason() -> str | None:
    path = chromium_path()
    if path is None:
        where = os.environ.get("BROWSER_EXECUTABLE") or "chromium on PATH or /usr/bin/chromium"
        return f"no Chromium found ({where}); {HOW_TO_ENABLE}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing: pip install -r requirements-dev.txt"
    return None


def _browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def _is_browser_item(item) -> bool:
    return BROWSER_DIR in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: touch only those under tests/browser.
    browser_items = [item for item in items if _is_browser_item(item)]
    reason = _missing_reason() if browser_items else None
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.committing)
        if reason and not _browser_required():
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _require_chromium():
    """With REQUIRE_BROWSER=1 a missing browser is an error, not a skip."""
    reason = _missing_reason()
    if reason:
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)


# --- one Chromium for the browser tests -------------------------------------------

class _Chromium:
    """Playwright + one Chromium, started on first use and stopped as soon as the last
    browser test of a run is over. Playwright's sync API keeps an asyncio loop marked
    as running in this thread while it is started, which would break later tests that
    call asyncio.run(); a session-scoped fixture would keep it until the very end."""

    def __init__(self):
        self.playwright = None
        self.browser = None

    def get(self):
        if self.browser is not None and not self.browser.is_connected():
            self.stop()  # Chromium died (out of memory, crash): start a new one
        if self.browser is None:
            from playwright.sync_api import expect, sync_playwright
            expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
            self.playwright = sync_playwright().start()
            try:
                self.browser = self.playwright.chromium.launch(
                    executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
            except Exception:
                self.stop()
                raise
        return self.browser

    def stop(self):
        if self.browser is not None:
            try:
                if self.browser.is_connected():
                    self.browser.close()
            finally:
                self.browser = None
        if self.playwright is not None:
            try:
                self.playwright.stop()
            finally:
                self.playwright = None


_CHROMIUM = _Chromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # After the test's own fixtures (its page and context) are torn down.
    try:
        return (yield)
    finally:
        if nextitem is None or not _is_browser_item(nextitem):
            _CHROMIUM.stop()


def pytest_sessionfinish(session, exitstatus):
    _CHROMIUM.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browser():
    return _CHROMIUM.get()


# --- the app on a real port ----------------------------------------------------------

class _ServerThread(threading.Thread):
    def __init__(self, app):
        super().__init__(name="live-server", daemon=True)
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, code="-", size="-"):
                pass  # one line per asset would bury the test's own output

        # Port 0: the system picks a free port when the socket is bound (no race).
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"

    def run(self):
        self.server.serve_forever(poll_interval=0.05)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.join(timeout=5)


@pytest.fixture
def live_server(app, _db):
    """The app served on 127.0.0.1:<free port> in a daemon thread; yields the base URL.
    Each request runs in its own thread with its own app context and session, so it only
    sees what the test committed. Depends on `_db` so it is shut down before the tables
    are emptied."""
    server = _ServerThread(app)
    server.start()
    try:
        yield server.base_url
    finally:
        server.stop()


# --- a page per test -------------------------------------------------------------------

@pytest.fixture
def page(browser, live_server, request):
    """A new context and page per test (no cookies shared between tests), desktop size
    by default (`page.set_viewport_size({"width": 390, "height": 844})` for a phone).
    Requests that leave 127.0.0.1 are aborted: pages must not depend on the network
    (Bootstrap is served locally). Uncaught JavaScript errors fail the test. On failure
    a screenshot is saved under /tmp/browser-failures/."""
    context = browser.new_context(base_url=live_server, locale="it-IT", timezone_id="Europe/Rome",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    local_host = urlsplit(live_server).netloc
    blocked: list[str] = []

    def only_local(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == local_host:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route(re.compile(r"^(?!data:|blob:).*"), only_local)
    page = context.new_page()
    js_errors: list[str] = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    # A script or style the Content-Security-Policy blocks (core.security) fails too.
    page.on("console", lambda message: js_errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    page.blocked_requests = blocked
    try:
        yield page
        call = getattr(request.node, "report_call", None)
        if call is not None and call.passed:
            assert not js_errors, f"uncaught JavaScript errors on the page: {js_errors}"
    finally:
        call = getattr(request.node, "report_call", None)
        if call is not None and call.failed:
            FAILURE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            try:
                page.screenshot(path=str(FAILURE_SCREENSHOTS / f"{name}.png"), full_page=True)
            except Exception:  # a crashed page must not hide the test's own failure
                pass
        context.close()


# --- logins ---------------------------------------------------------------------------------

_LOGIN_NUMBERS = itertools.count(1)  # unique over the run, not only within one test

@pytest.fixture
def create_login(_db):
    """create_login(roles, email=None, password=DEFAULT_PASSWORD, member=None, full_name="")
    -> a committed, active User (roles: admin, board, secretary, auditor, member), detached
    from the session with its columns loaded (use user.id / user.email; re-load it with
    db.session.get(User, user.id) if you need its relationships)."""
    from governance.auth.operations import create_user
    from governance.extensions import db

    def _create(roles, email: str | None = None, password: str = DEFAULT_PASSWORD, member=None,
                full_name: str = "", locale: str = "it"):
        if isinstance(roles, str):
            roles = [roles]
        email = email or f"{'-'.join(roles) or 'user'}{next(_LOGIN_NUMBERS)}@browser.example.org"
        user = create_user(email, password, roles, full_name=full_name or email.split("@")[0].title(),
                           member=member, locale=locale)
        db.session.commit()
        # Hand back a detached, fully loaded user: reading an expired attribute later
        # would open a transaction in this thread (and, on SQLite, block the server).
        db.session.refresh(user)
        db.session.expunge(user)
        db.session.rollback()
        return user

    _create.password = DEFAULT_PASSWORD
    return _create


def do_browser_login(page, email: str, password: str) -> None:
    """Fill /login and submit; raise AssertionError with the page's message if it fails."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    if urlsplit(page.url).path.rstrip("/") == "/login":
        errors = page.locator(".invalid-feedback, .alert").all_inner_texts()
        raise AssertionError(f"login as {email} failed: {' '.join(errors) or 'still on /login'}")


@pytest.fixture
def browser_login(page):
    """browser_login(page, email, password): log in through the real form."""
    return do_browser_login
