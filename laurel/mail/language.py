"""The language an email is written in.

Every email to a recipient (issuance, the answer to a correction request) and every
invitation is written in its organization's "Language for recipient emails" (English
unless the organization chose French, Spanish or Arabic in its settings), whatever
language the request or worker that queued it speaks: emails are rendered when queued, by
the issuer's request, an API call or a bulk worker, none of which is the recipient.
Account emails (sign-in codes, confirmations, password resets) are the exception: the
person asked for them in a page, so they speak that page's language.
"""

from __future__ import annotations

from django.conf import settings


def email_language(organization) -> str:
    """The organization's email language, or English if it is not one Laurel ships."""
    code = getattr(organization, "email_language", "") or ""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
