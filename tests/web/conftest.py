"""The issuer pages: Django's test client for every view × role, and a real browser.

Browser tests (marked `browser`) drive Debian's Chromium through Playwright against
pytest-django's live server, check every page with axe-core (no serious or critical
violation), and write a screenshot of each page at desktop and phone widths to
tests/web/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls our tests make
# beside it (preparing states through the services) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LAUREL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery staple"


_shared: dict = {"users": 0}


@pytest.fixture(scope="session")
def browser():
    """One Chromium per test process, shared by every conftest that imports this fixture
    (tests/public does): Playwright's sync API cannot run twice in one thread."""
    from playwright.sync_api import sync_playwright

    if _shared["users"] == 0:
        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
    _shared["users"] += 1
    yield _shared["browser"]
    _shared["users"] -= 1
    if _shared["users"] == 0:
        _shared.pop("browser").close()
        _shared.pop("playwright").stop()


@pytest.fixture
def page(browser, live_server):
    # Reduced motion (Bootstrap then drops its transitions): axe reads colours as they end,
    # never halfway through a button's change of state.
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, reduced_motion="reduce"
    )
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # a test that expects none asserts this stays empty
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def look(page, name: str) -> None:
    """Screenshot the page at desktop and phone widths, and check it with axe-core."""
    SCREENSHOTS.mkdir(exist_ok=True)
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.lower())
    page.screenshot(path=str(SCREENSHOTS / f"{slug}-desktop.png"), full_page=True)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{slug}-phone.png"), full_page=True)
    page.set_viewport_size(size)
    assert_accessible(page)


def assert_accessible(page) -> None:
    """Zero serious or critical axe-core violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [
        v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}
    ]
    summary = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:5]) for v in violations
    ]
    assert violations == [], f"axe-core violations on {page.url}: {summary}"


@pytest.fixture
def member_login(client):
    """Sign the test client in as a user (a member or not) without going through the form."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
