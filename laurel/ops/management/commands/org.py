"""`laurel org create ...`: set up an organization from a script.

    laurel org create --name "Acme" --owner-email ada@example.org --plan professional \
        --approved --api-key --json
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from laurel.ops.accounts import ensure_user
from laurel.organizations.api_keys import create_api_key
from laurel.organizations.errors import DomainError
from laurel.organizations.models import Door, Organization, Role
from laurel.organizations.permissions import Actor
from laurel.organizations.services import create_organization


class Command(BaseCommand):
    help = "Manage organizations from the command line (`laurel org create --help`)."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Create an organization and its owner.")
        create.add_argument("--name", required=True)
        create.add_argument("--owner-email", required=True)
        create.add_argument("--owner-password", help="Default: generated when the owner is new.")
        create.add_argument("--slug", help="Default: made from the name.")
        create.add_argument("--plan", default="free", help="free, professional or enterprise.")
        create.add_argument("--monthly-quota", type=int, help="Override the plan's quota.")
        create.add_argument(
            "--approved", action="store_true", help="Approve it (and generate its signing key)."
        )
        create.add_argument(
            "--api-key", action="store_true", help="Also create an API key (Admin role)."
        )
        create.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **options) -> None:
        if options["action"] == "create":
            result = self.create(options)
            if options["json"]:
                self.stdout.write(json.dumps(result, indent=2))
            else:
                self.stdout.write(describe(result))

    def create(self, options) -> dict:
        plan = options["plan"].strip().lower()
        if plan not in Organization.Plan.values:
            raise CommandError(f"Unknown plan {plan!r}; choose free, professional or enterprise.")
        try:
            with transaction.atomic():  # nothing half-made if any step fails
                return create_with_owner(
                    name=options["name"],
                    owner_email=options["owner_email"],
                    owner_password=options["owner_password"],
                    slug=options["slug"],
                    plan=plan,
                    monthly_quota=options["monthly_quota"],
                    approved=options["approved"],
                    with_api_key=options["api_key"],
                )
        except DomainError as error:
            raise CommandError(error.message) from error


def create_with_owner(
    *,
    name: str,
    owner_email: str,
    owner_password: str | None,
    slug: str | None,
    plan: str,
    monthly_quota: int | None,
    approved: bool,
    with_api_key: bool,
) -> dict:
    owner, password = ensure_user(email=owner_email, password=owner_password)
    organization = create_organization(
        name=name,
        owner=owner,
        slug=slug,
        plan=plan,
        monthly_quota_override=monthly_quota,
        approved=approved,
        door=Door.CLI,
    )
    result = {
        "organization": {
            "id": organization.pk,
            "slug": organization.slug,
            "did": organization.did,
            "name": organization.name,
            "status": organization.status,
            "plan": organization.plan,
        },
        "owner": {"email": owner.email, "password": password},
    }
    if with_api_key:
        actor = Actor(organization=organization, role=Role.OWNER, user=owner, door=Door.CLI)
        _, raw_key = create_api_key(actor=actor, name="laurel org create", role=Role.ADMIN)
        result["api_key"] = raw_key
    return result


def describe(result: dict) -> str:
    organization, owner = result["organization"], result["owner"]
    lines = [
        f"Organization {organization['name']!r} ({organization['status']}, {organization['plan']})",
        f"  slug: {organization['slug']}",
        f"  DID:  {organization['did']}",
        f"Owner: {owner['email']}"
        + (f" / password: {owner['password']}" if owner["password"] else " (existing account)"),
    ]
    if "api_key" in result:
        lines.append(f"API key (shown once): {result['api_key']}")
    return "\n".join(lines)
