"""Accounts are safe by default: brute force is limited, redirects stay home, headers hold,
and two-factor authentication (TOTP) works end to end."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache

from tests.web.conftest import PASSWORD

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def fresh_rate_limits(db):
    cache.clear()
    yield
    cache.clear()


def _login(client, email, password, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def test_a_right_password_signs_in(client, user_factory):
    user_factory("ada@example.org", password=PASSWORD)
    response = _login(client, "ada@example.org", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.is_authenticated


def test_failed_sign_ins_are_limited_per_account_even_from_new_addresses(client, user_factory):
    user_factory("ada@example.org", password=PASSWORD)
    for n in range(5):
        response = _login(client, "ada@example.org", "wrong", REMOTE_ADDR=f"198.51.100.{n}")
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    response = _login(client, "ada@example.org", PASSWORD, REMOTE_ADDR="198.51.100.99")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_failed_sign_ins_are_limited_per_address_across_accounts(client, user_factory):
    for n in range(11):
        _login(client, f"nobody{n}@example.org", "wrong", REMOTE_ADDR="203.0.113.7")
    user_factory("grace@example.org", password=PASSWORD)
    response = _login(client, "grace@example.org", PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert "Too many failed login attempts" in response.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated
    elsewhere = _login(client, "grace@example.org", PASSWORD, REMOTE_ADDR="203.0.113.8")
    assert elsewhere.status_code == 302  # the account itself is not locked


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "http:evil"])
def test_next_redirects_stay_on_our_host(client, user_factory, target):
    user_factory("ada@example.org", password=PASSWORD)
    response = client.post(
        f"{LOGIN}?next={target}", {"login": "ada@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_pages_deny_framing_and_carry_the_content_security_policy(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_need_a_csrf_token(user_factory):
    from django.test import Client

    user_factory("ada@example.org", password=PASSWORD)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(LOGIN, {"login": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 403


def test_two_factor_sign_in_asks_for_the_current_totp_code(client, user_factory):
    user = user_factory("ada@example.org", password=PASSWORD)
    secret = "JBSWY3DPEHPK3PXP"
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    response = _login(client, "ada@example.org", PASSWORD)
    assert response.status_code == 302 and "/accounts/2fa/authenticate/" in response["Location"]
    assert not client.get("/").wsgi_request.user.is_authenticated

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert not client.get("/").wsgi_request.user.is_authenticated

    counter = int(time.time()) // 30
    code = format_hotp_value(hotp_value(secret, counter))
    right = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert right.status_code == 302
    assert client.get("/").wsgi_request.user.is_authenticated


SHOW_COOKIES = (
    "from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)"
)


def test_cookies_are_secure_and_http_only_when_the_base_url_is_https(tmp_path):
    from tests.helpers.settings import settings_seen

    https = settings_seen(tmp_path, SHOW_COOKIES, LAUREL_BASE_URL="https://creds.example.org")
    assert https.split() == ["True", "True", "True"]
    http = settings_seen(tmp_path, SHOW_COOKIES, LAUREL_BASE_URL="http://127.0.0.1:8000")
    assert http.split() == ["False", "False", "True"]
