"""Template context every page gets: the user's organizations and the current one."""

from __future__ import annotations

from laurel.organizations.models import Role
from laurel.organizations.permissions import PERMISSIONS
from laurel.organizations.selectors import organizations_for_user


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = getattr(request, "actor", None)

    def organizations():  # evaluated only by the pages that show the switcher
        known = getattr(request, "my_organizations", None)  # read by organization_view
        return known if known is not None else organizations_for_user(user)

    return {
        "my_organizations": organizations,
        "organization": getattr(request, "organization", None),
        "actor": actor,
        # What the actor's role allows, to hide what the services would refuse.
        "can": {action: actor.may(action) for action in PERMISSIONS} if actor else {},
        "role_label": Role(actor.role).label if actor else "",
    }
