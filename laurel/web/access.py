"""Who is looking at which organization: the one place the issuer pages resolve it.

Every page under /organizations/<org>/ goes through `organization_view`. The organization
comes from the URL; the signed-in user's membership gives the Actor the services take (read
with the user's other organizations, for the switcher, in one query). A
user who is not a member gets the same 404 as an organization that does not exist (never
403: another organization's pages must not be told apart from missing ones). A member
whose role does not allow the page's action gets 403 (the services refuse it anyway).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from laurel.organizations.errors import NotFound
from laurel.organizations.selectors import actor_by_slug


def organization_view(action: str | None = None):
    """Decorate a view taking (request, ...) reached at /organizations/<org>/...

    Sets `request.organization` and `request.actor`; requires `action` when given.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, org: str, *args, **kwargs):
            try:
                actor, organizations = actor_by_slug(user=request.user, slug=org)
            except NotFound:
                raise Http404("No such organization") from None
            if action is not None and not actor.may(action):
                raise PermissionDenied
            request.organization = actor.organization
            request.actor = actor
            request.my_organizations = organizations
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
