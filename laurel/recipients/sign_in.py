"""Sign in with a one-time code sent to the address a credential was issued to.

allauth's own login by code (enabled too, /accounts/login/code/) needs an account; a
recipient usually has none. This flow answers every address the same way ("if we know
this address, a code is on its way") and sends a code when the address has an account or
has been issued a credential. Only once the code is confirmed is an account made for a
recipient who had none (no password, the address verified). The login itself goes
through allauth (perform_login), so its stages — two-factor authentication — still apply.
"""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from laurel.credentials.models import Credential
from laurel.credentials.rules import normalize_email
from laurel.organizations.errors import Cooldown, ValidationError

SESSION_KEY = "laurel_recipient_sign_in"
TIMEOUT_SECONDS = 15 * 60
MAX_ATTEMPTS = 5
_SALT = "laurel.recipients.sign_in"


def _digest(email: str, code: str) -> str:
    from allauth.core.internal.cryptokit import normalize_user_code

    return salted_hmac(_SALT, f"{email}\n{normalize_user_code(code)}").hexdigest()


def _existing_user(email: str):
    from allauth.account.utils import filter_users_by_email

    users = filter_users_by_email(email, is_active=True, prefer_verified=True)
    return users[0] if users else None


def has_credentials(email: str) -> bool:
    return (
        Credential.objects.filter(recipient_email_normalized=normalize_email(email))
        .exclude(status=Credential.Status.DRAFT)
        .exists()
    )


def start(request, *, email: str, next_url: str = "") -> None:
    """Remember the sign-in in the session and email a code when the address is known.

    The same outcome for every address (nothing tells the visitor whether it has an
    account or credentials); limited per address and per client by allauth's limits.
    """
    from allauth.account.adapter import get_adapter
    from allauth.core import ratelimit

    email = normalize_email(email)
    if not ratelimit.consume(request, action="request_login_code", key=email):
        raise Cooldown(
            _("Too many codes were asked for; wait a few minutes and try again."),
            retry_after=60,
        )
    adapter = get_adapter(request)
    code = adapter.generate_login_code()
    request.session[SESSION_KEY] = {
        "email": email,
        "digest": _digest(email, code),
        "expires": time.time() + TIMEOUT_SECONDS,
        "attempts": 0,
        "next": next_url if next_url and adapter.is_safe_url(next_url) else "",
    }
    if _existing_user(email) is not None or has_credentials(email):
        link = f"{settings.LAUREL_BASE_URL}/recipients/sign-in/code?{urlencode({'code': code})}"
        adapter.send_mail("recipients/email/sign_in_code", email, {"code": code, "link": link})


def pending_email(request) -> str | None:
    state = request.session.get(SESSION_KEY)
    return state["email"] if state else None


def confirm(request, *, code: str):
    """Check the code; sign the person in (making their account if needed) or raise.

    Returns allauth's login response (a redirect, or its next stage such as two-factor).
    """
    from allauth.account.utils import perform_login

    state = request.session.get(SESSION_KEY)
    if not state or state["expires"] < time.time() or state["attempts"] >= MAX_ATTEMPTS:
        request.session.pop(SESSION_KEY, None)
        raise ValidationError(
            _("This code has expired or was tried too often; ask for a new one."), field="code"
        )
    if not constant_time_compare(_digest(state["email"], code or ""), state["digest"]):
        state["attempts"] += 1
        request.session[SESSION_KEY] = state
        raise ValidationError(
            _("This code is not right; check the email and try again."), field="code"
        )
    request.session.pop(SESSION_KEY)
    user = recipient_user(email=state["email"])
    if user is None:  # a code never goes to an unknown address: this cannot match
        raise ValidationError(_("This code is not right."), field="code")
    return perform_login(
        request, user, email=state["email"], redirect_url=state["next"] or "/wallet"
    )


@transaction.atomic
def recipient_user(*, email: str):
    """The account for an address whose code was just confirmed: the existing one (the
    address marked verified), or a new one without a password for a recipient."""
    from allauth.account.models import EmailAddress

    user = _existing_user(email)
    if user is None:
        if not has_credentials(email):
            return None
        User = get_user_model()
        try:
            with transaction.atomic():
                user = User.objects.create_user(username=email, email=email, password=None)
        except IntegrityError:  # the username is taken by an account with another address
            user = User.objects.create_user(
                username=f"recipient-{secrets.token_hex(8)}", email=email, password=None
            )
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user,
            email=email,
            verified=True,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return user
