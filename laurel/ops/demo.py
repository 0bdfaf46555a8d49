"""The demo a newcomer meets: "Demo Academy", its owner, two groups, credentials in every state.

Everything is made through the domain services, as a person would make it. Idempotent:
when the organization exists, nothing is made and the logins are printed again.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from laurel.credentials.models import Credential
from laurel.credentials.services import create_group, issue, revoke
from laurel.ops.accounts import ensure_user
from laurel.organizations.models import Door, Organization, Role
from laurel.organizations.permissions import Actor
from laurel.organizations.services import create_organization

DEMO_NAME = "Demo Academy"
DEMO_SLUG = "demo-academy"
OWNER_EMAIL = "owner@demo-academy.example.org"
STAFF_EMAIL = "staff@laurel.example.org"


@dataclass(frozen=True)
class Login:
    who: str
    email: str
    password: str | None  # None: changed since the demo was made


@dataclass(frozen=True)
class Demo:
    organization: Organization
    created: bool
    logins: tuple[Login, ...]


def ensure_demo() -> Demo:
    """Make the demo unless it exists; either way return it with its logins."""
    with transaction.atomic():
        organization = Organization.objects.filter(slug=DEMO_SLUG).first()
        created = organization is None
        if created:
            organization = _make_demo()
        logins = (
            _login("Demo Academy owner", OWNER_EMAIL, staff=False),
            _login("Platform staff (admin)", STAFF_EMAIL, staff=True),
        )
    return Demo(organization=organization, created=created, logins=logins)


def _make_demo() -> Organization:
    owner, _ = ensure_user(email=OWNER_EMAIL, password=_stored_password(OWNER_EMAIL))
    organization = create_organization(
        name=DEMO_NAME,
        owner=owner,
        slug=DEMO_SLUG,
        plan=Organization.Plan.PROFESSIONAL,
        approved=True,
        door=Door.CLI,
    )
    actor = Actor(organization=organization, role=Role.OWNER, user=owner, door=Door.CLI)
    never, yearly = _groups(actor)
    _credentials(actor, never=never, yearly=yearly)
    return organization


def _groups(actor: Actor):
    never = create_group(
        actor=actor,
        title="Python Foundations",
        code="PY-101",
        description="Writing, testing and packaging small Python programs.",
        criteria="Completed the twelve modules and passed the final project review.",
        skills=[{"name": "Python", "url": "https://www.python.org/"}],
        expiry_unit="never",
    )
    yearly = create_group(
        actor=actor,
        title="First Aid at Work",
        code="FA-1",
        description="Emergency first aid: assessment, CPR, recovery position, wounds.",
        criteria="Attended the two-day course and passed the practical assessment.",
        expiry_unit="years",
        expiry_amount=1,
    )
    return never, yearly


def _credentials(actor: Actor, *, never, yearly) -> None:
    now = timezone.now()

    def give(group, name, email, **options) -> Credential:
        return issue(
            actor=actor, group_key=group.key, recipient_name=name, recipient_email=email, **options
        )

    give(never, "Ada Lovelace", "ada@example.org")  # published, never expires
    give(never, "Edsger Dijkstra", "edsger@example.org", privacy="private")
    give(never, "Grace Hopper", "grace@example.org", draft=True)  # a draft
    wrong = give(never, "Alan Turing", "alan@example.org")
    revoke(actor=actor, credential_id=wrong.id, reason="Issued to the wrong person.", now=now)
    # Expired: issued two years ago on the one-year course.
    give(yearly, "Katherine Johnson", "katherine@example.org", issued_on=now - timedelta(days=730))
    # Renewed: last year's certificate is superseded (revoked) by this year's.
    give(yearly, "Margaret Hamilton", "margaret@example.org", issued_on=now - timedelta(days=300))
    give(yearly, "Margaret Hamilton", "margaret@example.org")


def _login(who: str, email: str, *, staff: bool) -> Login:
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    stored = _stored_password(email)
    if user is None:
        user, _ = ensure_user(email=email, password=stored)
    if staff and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return Login(who=who, email=email, password=stored if user.check_password(stored) else None)


def _stored_password(email: str) -> str:
    """The demo password for `email`, generated once into the data directory."""
    path = Path(settings.DATA_DIR) / "secrets" / f"demo-{email.split('@')[0]}-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process wrote it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(12))
    return path.read_text().strip()
