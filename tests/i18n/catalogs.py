"""Laurel's message catalogs as the tests read them: which messages are recipient-facing."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
LOCALE = REPO / "laurel" / "locale"
TRANSLATED = ("fr", "es", "ar")

# What recipients and visitors see: the public pages, the recipient's pages and emails,
# every email, the layout around them, the account pages, the error pages, the front page.
# (Paths as the catalogs' "#:" comments write them, from laurel/.)
RECIPIENT_FACING = (
    "public/",
    "recipients/templates/recipients/_",
    "recipients/templates/recipients/correction_new.html",
    "recipients/templates/recipients/profile",
    "recipients/templates/recipients/sign_in",
    "recipients/templates/recipients/wallet.html",
    "recipients/templates/recipients/email/",
    "recipients/templates/mail/",
    "recipients/forms.py",
    "recipients/models.py",
    "recipients/services.py",
    "recipients/sign_in.py",
    "recipients/views.py",
    "mail/templates/",
    "organizations/models.py",
    "web/forms.py",  # the sign-up form's own fields, on allauth's sign-up page
    "web/templates/web/base.html",
    "web/templates/web/error.html",
    "web/templates/web/error_page.html",
    "web/templates/web/front.html",
    "web/templates/web/components/",
    "web/templates/allauth/",
    "web/templates/400.html",
    "web/templates/403.html",
    "web/templates/404.html",
    "web/templates/500.html",
)
NOT_RECIPIENT_FACING = (
    "public/templates/public/bench_baseline.html",
    "web/templates/web/components/sidebar.html",
    "web/templates/web/components/meter.html",
    "web/templates/web/components/progress.html",
    "web/templates/web/components/pager.html",
    "web/templates/web/components/nav_link.html",
)


def catalog(language: str, domain: str = "django"):
    with open(LOCALE / language / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
        return read_po(handle, locale=language)


def recipient_facing(message) -> bool:
    paths = [path for path, _line in message.locations]
    return any(
        path.startswith(RECIPIENT_FACING) and not path.startswith(NOT_RECIPIENT_FACING)
        for path in paths
    )


PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdfir]|\{(\w*)\}")


def placeholders(text: str) -> list[str]:
    """The named placeholders of a message, sorted: %(name)s (any conversion) and {name}."""
    return sorted(a or b for a, b in PLACEHOLDER.findall(text))
