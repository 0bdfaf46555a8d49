"""Which language a page speaks.

Recipient-facing pages (the credential pages, /verify, issuer profiles, the wallet, sign
in, the account pages) follow Django's LocaleMiddleware: the language cookie the switcher
sets (django.views.i18n.set_language), else the browser's Accept-Language, else English.
The issuer app, the admin and the API stay English: their strings are marked but not
translated, and a half-translated issuer page (the few strings it shares with the public
pages in French, the rest in English) would be worse than English throughout.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

ENGLISH_ONLY_PREFIXES = ("/organizations/", "/admin/", "/api/", "/v1/", "/invitations/")


def speaks_english_only(path: str) -> bool:
    return path.startswith(ENGLISH_ONLY_PREFIXES)


class LanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if speaks_english_only(request.path_info):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)

    def process_response(self, request, response):
        if speaks_english_only(request.path_info):
            return response  # the same for everyone: no Vary, no Content-Language to add
        return super().process_response(request, response)
