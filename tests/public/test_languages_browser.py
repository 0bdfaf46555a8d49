"""The recipient-facing pages in Arabic and French, in Chromium.

The credential page with `Accept-Language: ar` is right to left with Arabic strings and no
serious or critical axe-core violation; the switcher changes the language with JavaScript
off; the credential page, /verify, the wallet and sign-in are photographed in Arabic and
French at desktop and phone widths (tests/web/screenshots/lang-*.png).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from tests.web.conftest import DESKTOP, look

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextmanager
def _page(browser, live_server, language: str, *, javascript: bool = True, session=None):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=DESKTOP,
        locale=language,
        extra_http_headers={"Accept-Language": f"{language},en;q=0.5"},
        java_script_enabled=javascript,
    )
    if session is not None:
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], errors


def _session_of(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies["sessionid"].value


@pytest.fixture
def arabic_name_credential(issue_one, skills_group):
    return issue_one(
        skills_group,
        name="ليلى حداد",
        email="layla@example.org",
        issued_on=datetime(2025, 12, 1, 9, 30, tzinfo=UTC),
        evidence_url="https://example.org/projects/layla",
        custom_attributes={"custom_grade": "A", "custom_hours": "40"},
    )


def test_the_credential_page_in_arabic_is_right_to_left(browser, live_server, valid_credential):
    with _page(browser, live_server, "ar") as page:
        page.goto(f"/credential/{valid_credential.pk}")
        html = page.locator("html")
        assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
        assert page.locator(".status-band-title").inner_text() == "صالحة"
        assert page.get_by_role("heading", name="ما تمّ التحقق منه").is_visible()
        assert page.locator('[data-check="proof"] .fw-semibold').inner_text() == "التوقيع"
        # The layout mirrors: the side column is on the left of the card.
        card = page.locator(".credential-card").bounding_box()
        checks = page.locator(".checks").bounding_box()
        assert checks["x"] + checks["width"] <= card["x"] + 1
        # A Latin name keeps its own direction inside the right-to-left page.
        recipient = page.locator(".credential-recipient")
        assert recipient.get_attribute("dir") == "auto"
        assert recipient.evaluate("e => getComputedStyle(e).direction") == "ltr"
        look(page, "lang-ar-credential")


def test_an_arabic_name_reads_right_to_left_on_the_french_page(
    browser, live_server, arabic_name_credential
):
    with _page(browser, live_server, "fr") as page:
        page.goto(f"/credential/{arabic_name_credential.pk}")
        assert page.locator("html").get_attribute("dir") == "ltr"
        assert page.locator(".status-band-title").inner_text() == "Valide"
        recipient = page.locator(".credential-recipient")
        assert recipient.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert "1 décembre 2025" in page.locator(".credential-dates").inner_text()
        look(page, "lang-fr-credential")


def test_the_switcher_changes_the_language_without_javascript(
    browser, live_server, valid_credential
):
    path = f"/credential/{valid_credential.pk}"
    with _page(browser, live_server, "en", javascript=False) as page:
        page.goto(path)
        assert page.locator(".status-band-title").inner_text() == "Valid"
        page.locator(".language-switcher summary").click()
        page.get_by_role("button", name="Français").click()
        page.wait_for_url(f"**{path}")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.locator(".status-band-title").inner_text() == "Valide"
        page.locator(".language-switcher summary").click()
        page.get_by_role("button", name="العربيّة").click()
        page.wait_for_url(f"**{path}")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator(".status-band-title").inner_text() == "صالحة"
        page.goto("/verify")  # the choice holds on every page
        assert page.get_by_role("heading", name="التحقق من شهادة", exact=True).is_visible()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_verify_in_arabic_and_french(browser, live_server, valid_credential, language):
    with _page(browser, live_server, language) as page:
        page.goto("/verify")
        assert page.locator("html").get_attribute("lang") == language
        look(page, f"lang-{language}-verify")
        page.goto(f"/verify?reference={valid_credential.pk}")
        word = {"ar": "صالحة", "fr": "Valide"}[language]
        assert page.locator(".status-band-title").inner_text() == word
        look(page, f"lang-{language}-verify-result")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_sign_in_in_arabic_and_french(browser, live_server, language):
    with _page(browser, live_server, language) as page:
        page.goto("/recipients/sign-in")
        heading = {"ar": "شهاداتك", "fr": "Vos certificats"}[language]
        assert page.get_by_role("heading", name=heading).is_visible()
        look(page, f"lang-{language}-sign-in")
        page.goto("/accounts/login/")
        assert page.locator("html").get_attribute("lang") == language
        look(page, f"lang-{language}-account-login")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_wallet_in_arabic_and_french(
    browser, live_server, language, valid_credential, revoked_credential, user_factory
):
    from allauth.account.models import EmailAddress

    from tests.web.conftest import PASSWORD

    user = user_factory("ada@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email="alan@example.org", verified=True)
    with _page(browser, live_server, language, session=_session_of(user)) as page:
        page.goto("/wallet")
        heading = {"ar": "شهاداتي", "fr": "Mes certificats"}[language]
        assert page.get_by_role("heading", name=heading, level=1).is_visible()
        look(page, f"lang-{language}-wallet")


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_not_found_page_in_each_language(browser, live_server, language):
    with _page(browser, live_server, language) as page:
        response = page.goto("/credential/" + "x" * 32)
        assert response.status == 404
        heading = {
            "ar": "هذه الصفحة غير موجودة",
            "fr": "Cette page n’existe pas",
            "en": "This page does not exist",
        }[language]
        assert page.get_by_role("heading", name=heading).is_visible()
        look(page, f"lang-{language}-not-found")


def test_with_javascript_the_switcher_closes_like_a_menu(browser, live_server):
    with _page(browser, live_server, "fr") as page:
        page.goto("/verify")
        switcher = page.locator("details.language-switcher")
        page.locator(".language-switcher summary").click()
        assert switcher.get_attribute("open") is not None
        look(page, "lang-switcher-open")  # (axe needs JavaScript: not in the test above)
        page.keyboard.press("Escape")
        assert switcher.get_attribute("open") is None
        page.locator(".language-switcher summary").click()
        page.locator("h1").click()
        assert switcher.get_attribute("open") is None
        page.locator(".language-switcher summary").click()
        page.get_by_role("button", name="Español").click()
        page.wait_for_url("**/verify")
        assert page.get_by_role("heading", name="Verificar una credencial", exact=True).is_visible()
