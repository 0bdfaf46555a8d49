"""Domain errors that reach a page become a page that says what went wrong (never a 500).

Views catch the errors they expect (a form shows them next to the field); this middleware
is the net for the rest, on the issuer pages only (the API maps them itself).
"""

from __future__ import annotations

from django.shortcuts import render

from laurel.organizations.errors import DomainError, Forbidden, NotFound


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        if request.path.startswith(("/api/", "/v1/")):
            return None
        status = 404 if isinstance(exception, NotFound) else exception.http_status
        if isinstance(exception, Forbidden):
            status = 403
        return render(
            request, "web/error.html", {"error": exception, "status": status}, status=status
        )
