"""What the credential pages show, built once per version of the credential and kept.

A page load reads one row set (the credential with its group, issuer, status list and
renewal), checks who may see it, and then either finds the rendered fragment for this
version in the cache (this process's, then the shared one) or runs the checks and renders
it. The version (verification.version) changes when the credential, its status list or its
renewal changes, so a revocation is on the very next load in every process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.core.cache import cache
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from laurel.credentials.models import Credential
from laurel.public import sharing
from laurel.public.verification import (
    PageKey,
    Standing,
    check_lines,
    fresh_until,
    standing,
    stored_report,
    version,
)

FRAGMENT_TTL = 600


class _LocalCache:
    """A small per-process LRU in front of the shared cache: a hit costs no query.

    Safe with many processes because every key holds the version it was drawn for.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self.entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            if found[0] < timezone.now().timestamp():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return found[1]

    def set(self, key: str, value: object, until: float) -> None:
        with self.lock:
            self.entries[key] = (until, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


local_cache = _LocalCache()


def cached_fragment(kind: str, credential, draw: Callable[[], object]):
    """`draw()` for this credential's current version, from a cache when it was drawn.

    `credential` is a Credential or a PageKey (verification.page_key) of the same version:
    a hit needs no more than the key; `draw` loads what it needs.
    """
    current = credential.version if isinstance(credential, PageKey) else version(credential)
    key = f"laurel:public:{kind}:{get_language()}:{current}"
    value = local_cache.get(key)
    if value is not None:
        return value
    value = cache.get(key)
    until = fresh_until(credential).timestamp()
    if value is None:
        value = draw()
        ttl = max(int(until - timezone.now().timestamp()), 1)
        cache.set(key, value, timeout=min(ttl, FRAGMENT_TTL))
    local_cache.set(key, value, until)
    return value


def verdict(credential: Credential) -> tuple[Standing, list]:
    report = stored_report(credential)
    return standing(credential, report), check_lines(report)


def status_word(kind: str) -> str:
    return Standing(kind).word


def page_context(credential: Credential) -> dict:
    """Everything credential_body.html and credential_head.html need."""
    current, checks = verdict(credential)
    share_text = _("%(title)s, awarded to %(name)s by %(issuer)s") % {
        "title": credential.group.title,
        "name": credential.recipient_name,
        "issuer": credential.organization.name,
    }
    return {
        "credential": credential,
        "standing": current,
        "checks": checks,
        "public": credential.privacy == "public",
        "share_text": share_text,
        "linkedin_share": sharing.linkedin_share_url(credential),
        "x_share": sharing.x_share_url(credential, share_text),
        "embed_snippet": sharing.embed_snippet(credential, share_text),
        "newer_id": getattr(credential, "newer_id", None),
    }


def page_fragments(key: PageKey) -> dict:
    """{"head": ..., "body": ..., "title": ...} for the page, cached per version."""

    def draw() -> dict:
        from laurel.public.verification import page_credential

        credential = page_credential(key.pk)
        if credential is None:  # deleted between the two reads
            raise Http404("No such credential")
        context = page_context(credential)
        return {
            "head": render_to_string("public/credential_head.html", context),
            "body": render_to_string("public/credential_body.html", context),
            "title": f"{credential.group.title} · {credential.recipient_name}",
        }

    return cached_fragment("page", key, draw)


def embed_fragment(key: PageKey) -> str:
    """The embed's card, cached per version like the page."""

    def draw() -> str:
        from laurel.public.verification import page_credential

        credential = page_credential(key.pk)
        if credential is None:
            raise Http404("No such credential")
        return render_to_string("public/embed_card.html", page_context(credential))

    return cached_fragment("embed", key, draw)


SHELL_MARK = "\x00laurel-%s\x00"


def page_shell(request) -> str:
    """credential.html around placeholders, for visitors without a session or messages.

    Rendering the layout (static URLs, URL reversing, translations) costs more than the
    rest of a cached page load; for a visitor it differs only by the CSRF token, which
    stays a placeholder here and is filled in per request (see views_credential), like
    the page the language switcher comes back to.
    """
    key = f"laurel:public:shell:{get_language()}"
    shell = local_cache.get(key)
    if shell is None:
        from django.utils.safestring import mark_safe

        context = {
            "title": mark_safe(SHELL_MARK % "title"),  # noqa: S308 - a placeholder
            "head": mark_safe(SHELL_MARK % "head"),  # noqa: S308 - a placeholder
            "body": mark_safe(SHELL_MARK % "body"),  # noqa: S308 - a placeholder
            "private": False,
            "csrf_token": mark_safe(SHELL_MARK % "csrf"),  # noqa: S308 - a placeholder
            "language_next": mark_safe(SHELL_MARK % "next"),  # noqa: S308 - a placeholder
        }
        shell = render_to_string("public/credential.html", context, request=request)
        local_cache.set(key, shell, timezone.now().timestamp() + FRAGMENT_TTL)
    return shell
