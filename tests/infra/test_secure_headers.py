"""Every answer carries the security headers; HTML pages also a Content-Security-Policy
that allows scripts from this site only (the API docs included: no CDN)."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

CSP_MUSTS = (
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
)


@pytest.fixture
def urls(acme, published):
    cache.clear()  # rate-limit counters live in the cache, which tests do not roll back
    credential = published()
    private = published("grace@example.org", privacy="private")
    return {
        "/healthz": 200,
        "/admin/login/": 200,
        f"/credential/{credential.id}": 200,
        f"/credential/{private.id}": 403,
        f"/credential/{credential.id}.json": 200,
        f"/issuers/{acme.slug}/did.json": 200,
        f"/status/{credential.status_list.list_id}": 200,
        "/api/v1/docs": 200,
        "/api/v1/openapi.json": 200,
        "/api/v1/organization": 401,  # answered by the API middleware itself
        "/v1/no-such-call": 404,
        "/no-such-page": 404,
    }


def test_every_answer_carries_the_security_headers(client, urls):
    for url, status in urls.items():
        response = client.get(url)
        assert response.status_code == status, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Frame-Options"] == "DENY", url


def test_html_pages_carry_a_content_security_policy(client, urls):
    html = [url for url in urls if client.get(url)["Content-Type"].startswith("text/html")]
    assert {"/admin/login/", "/api/v1/docs"} <= set(html)
    assert any(url.startswith("/credential/") for url in html)
    for url in html:
        policy = client.get(url)["Content-Security-Policy"]
        for directive in CSP_MUSTS:
            assert directive in policy, (url, directive)


def test_api_docs_load_their_scripts_from_this_site(client, db):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page
