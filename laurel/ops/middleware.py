"""Security headers Django does not set by itself (5.2 has no Content-Security-Policy)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Adds LAUREL_CONTENT_SECURITY_POLICY to every HTML page that has none of its own.

    Our pages (public credential pages, the admin, the API docs) load scripts and styles
    only from this site, so a script injected into a page has nowhere to come from.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.LAUREL_CONTENT_SECURITY_POLICY
        is_html = response.get("Content-Type", "").startswith("text/html")
        if policy and is_html and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
