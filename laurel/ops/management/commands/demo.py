"""`laurel demo`: make the demo organization (once) and print its logins (every time)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from laurel.ops.demo import ensure_demo


class Command(BaseCommand):
    help = 'Create the "Demo Academy" demo unless it exists, and print its logins.'

    def handle(self, *args, **options) -> None:
        demo = ensure_demo()
        organization = demo.organization
        verb = "Created" if demo.created else "Using"
        self.stdout.write(f"{verb} the demo organization {organization.name!r}.")
        self.stdout.write(f"  Issuer DID: {organization.did}")
        for login in demo.logins:
            password = login.password or "(changed since the demo was made)"
            self.stdout.write(f"  {login.who}: {login.email} / {password}")
        self.stdout.write(
            f"  Staff console (outbox, audit log, jobs): {settings.LAUREL_BASE_URL}/admin/"
        )
