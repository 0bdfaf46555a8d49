"""Who may do what (DESIGN.md "Roles"), checked in one place: `require(actor, action)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from laurel.organizations.errors import Forbidden
from laurel.organizations.models import Door, Role

if TYPE_CHECKING:
    from laurel.organizations.models import ApiKey, Organization

EVERY_ROLE = frozenset({Role.OWNER, Role.ADMIN, Role.ISSUER})
MANAGERS = frozenset({Role.OWNER, Role.ADMIN})
OWNER_ONLY = frozenset({Role.OWNER})

PERMISSIONS: dict[str, frozenset[str]] = {
    "view": EVERY_ROLE,
    "issue": EVERY_ROLE,
    "bulk": EVERY_ROLE,
    "update_draft": EVERY_ROLE,
    "publish": EVERY_ROLE,
    "manage_groups": EVERY_ROLE,
    "manage_designs": EVERY_ROLE,
    "revoke": MANAGERS,
    "resend_email": MANAGERS,
    "manage_members": MANAGERS,
    "manage_api_keys": MANAGERS,
    "manage_signing_keys": MANAGERS,
    "manage_settings": MANAGERS,
    "transfer_ownership": OWNER_ONLY,
    "delete_organization": OWNER_ONLY,
}

ACTION_WORDS = {
    "revoke": "revoke credentials",
    "resend_email": "resend emails",
    "manage_members": "manage members",
    "manage_api_keys": "manage API keys",
    "manage_signing_keys": "manage signing keys",
    "manage_settings": "change organization settings",
    "transfer_ownership": "transfer ownership",
    "delete_organization": "delete the organization",
}


def role_may(role: str, action: str) -> bool:
    return role in PERMISSIONS[action]


@dataclass(frozen=True)
class Actor:
    """Who acts, for which organization, with which role, through which door."""

    organization: Organization
    role: str
    user: object | None = None
    api_key: ApiKey | None = None
    door: str = Door.WEB

    @property
    def label(self) -> str:
        if self.api_key is not None:
            return f"API key {self.api_key.name} ({self.api_key.display_prefix}…)"
        if self.user is not None:
            return getattr(self.user, "email", "") or str(self.user)
        return self.door

    def may(self, action: str) -> bool:
        return role_may(self.role, action)

    @classmethod
    def system(cls, organization: Organization, *, door: str = Door.SYSTEM) -> Actor:
        """The platform itself (commands, staff actions): an owner's rights."""
        return cls(organization=organization, role=Role.OWNER, door=door)


def require(actor: Actor, action: str) -> None:
    """Raise Forbidden unless the actor's role allows `action`."""
    if not actor.may(action):
        words = ACTION_WORDS.get(action, action.replace("_", " "))
        raise Forbidden(
            f"Your role ({actor.role}) does not allow you to {words}; ask an owner or admin."
        )
