"""People who sign in: found or created by email (the username is the email)."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from laurel.organizations.errors import ValidationError


def clean_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError(f"{email!r} is not a valid email address.", field="email") from None
    return email


def ensure_user(*, email: str, password: str | None = None) -> tuple[object, str | None]:
    """The user with this email, created if new; returns (user, the password to print).

    A new user gets `password` or a generated one; an existing user's password changes only
    when one is given. The password is returned only when it was set here.
    """
    email = clean_email(email)
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).order_by("id").first()
    if user is None:
        password = password or secrets.token_urlsafe(12)
        user = User.objects.create_user(username=email.lower(), email=email, password=password)
        mark_email_verified(user)
        return user, password
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
        return user, password
    return user, None


def mark_email_verified(user) -> None:
    """Record the user's email as verified: people made by staff or commands (the demo
    owner, `laurel org create`) sign in at once, without the confirmation email."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
    )
