"""Every issuer page, found by walking the URL patterns under /organizations/<org>/ (so a
page added later is covered without anyone listing it): signed out, it sends to sign-in;
for a member of another organization it is 404 like a page that does not exist, never 403
and never a 500, whatever the ids in the path. Each area's own tests go further (every
view × role, with real objects); this one proves nothing was left out of the one place
tenancy is enforced (laurel/web/access.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver

from laurel.web.urls import organization_patterns

pytestmark = pytest.mark.django_db

# A value each path converter accepts (the objects need not exist: the organization is
# refused before any of them is looked up).
SAMPLES = {"int": "1", "slug": "some-id", "str": "some-id", "path": "some/id", "uuid": None}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _fill(route: str) -> str:
    def sample(match):
        converter = match.group(1) or "str"
        return SAMPLES.get(converter) or "00000000-0000-0000-0000-000000000000"

    return re.sub(r"<(?:(\w+):)?\w+>", sample, route)


ROUTES = sorted(set(_walk(organization_patterns)))


def test_the_walk_finds_the_pages():
    assert len(ROUTES) > 40
    for expected in ["", "credentials", "credentials/review", "settings/webhooks", "groups"]:
        assert expected in ROUTES


def _ask(client, url):
    """GET, or POST when the page takes only POST (require_POST answers 405 first)."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


@pytest.mark.parametrize("route", ROUTES)
def test_signed_out_is_sent_to_sign_in(client, acme, route):
    url = f"/organizations/{acme.slug}/{_fill(route)}"
    response = _ask(client, url)
    assert response.status_code == 302, (url, response.status_code)
    assert response["Location"].startswith("/accounts/login/?next="), url


@pytest.mark.parametrize("route", ROUTES)
def test_a_member_of_another_organization_gets_404(member_login, outsider, acme, route):
    url = f"/organizations/{acme.slug}/{_fill(route)}"
    response = _ask(member_login(outsider.user), url)
    assert response.status_code == 404, (url, response.status_code)
