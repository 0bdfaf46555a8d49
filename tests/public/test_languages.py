"""The recipient-facing pages in English, French, Spanish and Arabic.

The language comes from Accept-Language, then from the switcher's cookie; the issuer app
stays English; dates and numbers are written for the language; the check reasons of the
real checks are said in the language too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ISSUED = datetime(2025, 12, 1, 9, 30, tzinfo=UTC)
DATES = {
    "en": "1 December 2025",
    "fr": "1 décembre 2025",
    "es": "1 de diciembre de 2025",
    "ar": "1 ديسمبر، 2025",
}
WORDS = {  # the status band's word, and the title of the signature check
    "en": ("Valid", "Signature", "What was checked"),
    "fr": ("Valide", "Signature", "Ce qui a été vérifié"),
    "es": ("Válida", "Firma", "Qué se ha comprobado"),
    "ar": ("صالحة", "التوقيع", "ما تمّ التحقق منه"),
}


@pytest.fixture
def credential(issue_one, skills_group):
    return issue_one(skills_group, name="Ada Lovelace", issued_on=ISSUED)


def _get(client, path: str, language: str | None = None):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client.get(path, **headers)
    assert response.status_code == 200, path
    return response


def _html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_the_credential_page_speaks_the_browsers_language(client, credential, language):
    response = _get(client, f"/credential/{credential.pk}", f"{language},en;q=0.5")
    html = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert _html_tag(html) == f'<html lang="{language}" dir="{direction}">'
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]
    word, signature, checked = WORDS[language]
    assert f'<h2 class="status-band-title" id="status-title">{word}</h2>' in html
    assert f'<span class="fw-semibold">{signature}</span>' in html
    assert checked in html
    assert f"<dd>{DATES[language]}</dd>" in html  # issued on
    rtl_css = "bootstrap/css/bootstrap.rtl.min.css"
    assert (rtl_css in html) == (language == "ar")
    assert '<p class="credential-recipient recipient-name" dir="auto">Ada Lovelace</p>' in html


def test_an_unknown_language_falls_back_to_english(client, credential):
    html = _get(client, f"/credential/{credential.pk}", "de-DE,de;q=0.9").content.decode()
    assert _html_tag(html) == '<html lang="en" dir="ltr">'


def test_a_regional_variant_gets_its_language(client, credential):
    html = _get(client, f"/credential/{credential.pk}", "fr-CA,fr;q=0.9").content.decode()
    assert _html_tag(html) == '<html lang="fr" dir="ltr">'


@pytest.mark.parametrize(
    "path",
    ["/verify", "/recipients/sign-in", "/accounts/login/", "/", "/issuers/{slug}"],
)
def test_other_recipient_pages_speak_arabic_right_to_left(client, acme, path):
    html = _get(client, path.format(slug=acme.slug), "ar").content.decode()
    assert _html_tag(html) == '<html lang="ar" dir="rtl">'
    assert "تسجيل الدخول" in html or "التحقق من شهادة" in html


def test_the_verify_page_in_spanish(client):
    html = _get(client, "/verify", "es").content.decode()
    assert "Verificar una credencial" in html and "Cómo funciona" in html


def test_the_wallet_in_french_with_french_dates(client, credential, user_factory):
    user = user_factory("ada@example.org", password=PASSWORD)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    html = _get(client, "/wallet", "fr").content.decode()
    assert "Mes certificats" in html and "Voir et vérifier" in html
    assert DATES["fr"] in html
    assert '<dd class="recipient-name" dir="auto">Ada Lovelace</dd>' in html


def test_the_error_pages_speak_the_language(client):
    response = client.get("/credential/" + "x" * 32, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    html = response.content.decode()
    assert _html_tag(html) == '<html lang="es" dir="ltr">'
    assert "Esta página no existe" in html


def test_the_issuer_app_stays_english_whatever_the_browser_says(member_login, owner):
    client = member_login(owner.user)
    response = client.get(f"/organizations/{owner.organization.slug}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    html = response.content.decode()
    assert _html_tag(html) == '<html lang="en" dir="ltr">'
    assert "Sign out" in html and "Se déconnecter" not in html
    assert "language-switcher" not in html  # no switcher where nothing would change


def _csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def _switch(client, language: str, next_path: str, *, token: str | None):
    data = {"language": language}
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    return client.post(f"/i18n/setlang/?next={next_path}", data)


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_the_switcher_sets_the_language_and_comes_back_to_the_page(credential):
    client = _csrf_client()
    page = f"/credential/{credential.pk}"
    html = _get(client, page, "en").content.decode()
    form = re.search(r'<form class="language-menu[^>]*action="([^"]+)"', html).group(1)
    assert form == f"/i18n/setlang/?next={page}"  # the shell's placeholder, filled in
    assert 'name="language" value="ar" lang="ar" dir="rtl"' in html
    response = _switch(client, "ar", page, token=_token(html))
    assert response.status_code == 302 and response["Location"] == page
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ar" and cookie["samesite"] == "Lax"
    # The cookie wins over the browser's language from now on.
    html = _get(client, page, "en").content.decode()
    assert _html_tag(html) == '<html lang="ar" dir="rtl">'
    assert 'aria-current="true">العربيّة</button>' in html


def test_the_switcher_keeps_the_query_of_the_page(client):
    html = _get(client, "/verify?reference=abc&x=1", "en").content.decode()
    assert 'action="/i18n/setlang/?next=/verify%3Freference%3Dabc%26x%3D1"' in html


def test_the_switcher_never_sends_anyone_to_another_site(credential):
    client = _csrf_client()
    html = _get(client, f"/credential/{credential.pk}").content.decode()
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = _switch(client, "fr", elsewhere, token=_token(html))
        assert response.status_code == 302
        assert response["Location"] == "/", elsewhere


def test_the_switcher_refuses_a_post_without_the_csrf_token(credential):
    client = _csrf_client()
    _get(client, f"/credential/{credential.pk}")
    response = _switch(client, "fr", "/verify", token=None)
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_an_unknown_language_from_the_switcher_changes_nothing(credential):
    client = _csrf_client()
    html = _get(client, f"/credential/{credential.pk}").content.decode()
    response = _switch(client, "xx", "/verify", token=_token(html))
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_each_visitor_gets_the_page_in_their_own_language_from_the_cache(client, credential):
    """The page fragments and the layout are cached per language."""
    page = f"/credential/{credential.pk}"
    first = [_get(client, page, language).content.decode() for language in ("fr", "ar", "es")]
    again = [_get(client, page, language).content.decode() for language in ("fr", "ar", "es")]
    for language, html in zip(("fr", "ar", "es"), again, strict=True):
        assert f'lang="{language}"' in _html_tag(html)
        assert WORDS[language][0] in html
    assert [_html_tag(h) for h in first] == [_html_tag(h) for h in again]


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_the_reasons_of_the_real_checks_are_translated(
    client, language, credential, revoked_credential, expired_credential
):
    """Every reason laurel.vc writes for these credentials is matched by laurel.public.reasons
    (a change of wording in laurel.vc makes this fail)."""
    from laurel.public.pages import verdict
    from laurel.public.verification import page_credential

    english = set()
    for stored in (credential, revoked_credential, expired_credential):
        with translation.override("en"):
            _standing, checks = verdict(page_credential(stored.pk))
            english |= {check.reason for check in checks}
        with translation.override(language):
            _standing, checks = verdict(page_credential(stored.pk))
        for check in checks:
            assert check.reason not in english or check.reason.startswith("http"), check


def test_dates_in_the_reasons_are_written_for_the_language(credential):
    from laurel.public.reasons import localized_reason

    reason = "valid from 2025-12-01T09:30:00Z, until 2027-12-01T09:30:00Z"
    with translation.override("es"):
        said = localized_reason(reason)
    assert said == (
        "válida desde el 1 de diciembre de 2025 a las 09:30 UTC "
        "hasta el 1 de diciembre de 2027 a las 09:30 UTC"
    )
    with translation.override("en"):
        assert localized_reason(reason) == (
            "valid from 1 December 2025, 09:30 UTC until 1 December 2027, 09:30 UTC"
        )
    with translation.override("fr"):
        assert localized_reason("some reason laurel.vc may write one day") == (
            "some reason laurel.vc may write one day"
        )


@pytest.mark.parametrize(
    "language, number, date",
    [
        ("en", "1,234.5", "1 December 2025, 09:30"),
        ("fr", "1\xa0234,5", "1 décembre 2025 09:30"),
        ("es", "1\xa0234,5", "1 de diciembre de 2025 a las 09:30"),
        ("ar", "1234,5", "1 ديسمبر، 2025، 09:30"),  # Django's Arabic groups no digits
    ],
)
def test_numbers_and_dates_are_formatted_for_the_language(language, number, date):
    from django.template import Context, Template

    template = Template(
        '{% load l10n %}{{ value|localize }}|{{ when|date:"DATETIME_FORMAT" }}|'
        '{{ day|date:"DATE_FORMAT" }}'
    )
    with translation.override(language), translation.override(language):
        from django.test import override_settings

        with override_settings(USE_THOUSAND_SEPARATOR=True):
            shown = template.render(
                Context({"value": 1234.5, "when": ISSUED, "day": ISSUED.date()})
            )
    assert shown == f"{number}|{date}|{DATES[language]}"


def test_a_file_too_large_for_verify_says_its_size_in_the_languages_numbers(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.LAUREL_VERIFY_MAX_UPLOAD_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.json", b"x" * (1024 * 1024 * 3 // 2))
    response = client.post("/verify", {"file": upload}, HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert "Le fichier est trop volumineux (1,5\xa0Mo)\xa0; la limite est de 1\xa0Mo." in html


@pytest.mark.parametrize(
    "language, subject, line",
    [
        ("fr", "Votre code de connexion", "Votre code de connexion à Laurel est\xa0:"),
        ("ar", "رمز تسجيل الدخول", "رمز تسجيل دخولك إلى Laurel هو:"),
    ],
)
def test_the_sign_in_code_email_speaks_the_language_of_the_page_it_was_asked_from(
    client, credential, language, subject, line
):
    from django.core import mail

    mail.outbox.clear()
    response = client.post(
        "/recipients/sign-in", {"email": "ada@example.org"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert subject in message.subject
    assert line in message.body


@pytest.mark.parametrize(
    "view, status, heading",
    [
        ("server_error", 500, "حدث خطأ من جهتنا"),
        ("bad_request", 400, "تعذّر فهم هذا الطلب"),
        ("permission_denied", 403, "لا يحقّ لك عرض هذه الصفحة"),
    ],
)
def test_the_other_error_pages_render_in_the_language(rf, view, status, heading):
    """Django's own handlers with our templates (a 500 renders without a request context)."""
    from django.core.exceptions import PermissionDenied, SuspiciousOperation
    from django.views import defaults

    request = rf.get("/somewhere")
    handler = getattr(defaults, view)
    with translation.override("ar"):
        if view == "server_error":
            response = handler(request)
        else:
            error = PermissionDenied() if status == 403 else SuspiciousOperation()
            response = handler(request, error)
    assert response.status_code == status
    html = response.content.decode()
    assert _html_tag(html) == '<html lang="ar" dir="rtl">' and heading in html


def test_english_only_answers_carry_no_language_headers(client, credential):
    _get(client, f"/credential/{credential.pk}", "ar")  # this thread last spoke Arabic
    response = client.get("/api/v1/organization", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 401
    assert "Content-Language" not in response
    assert "Accept-Language" not in response.get("Vary", "")
