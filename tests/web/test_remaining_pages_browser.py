"""The pages no flow of the other browser tests passes through, checked by axe-core and
screenshotted like the rest: choosing among several organizations, the account's email
addresses, password and two-factor pages, and the not-found and not-allowed pages."""

from __future__ import annotations

import pytest

from laurel.organizations.models import Membership
from tests.web.conftest import PASSWORD, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_organizations(org_factory, user_factory):
    user = user_factory("lin@two.example", password=PASSWORD)
    first = org_factory("Northern Institute", owner=user)
    second = org_factory("Southern College <b>", owner=user_factory("other@two.example"))
    Membership.objects.create(user=user, organization=second, role="issuer")
    return user, first, second


def test_pages_off_the_main_flows(page, two_organizations):
    user, first, second = two_organizations
    sign_in(page, user.email)
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="Southern College <b>").is_visible()
    look(page, "choose-organization")

    for path, name in [
        ("/accounts/email/", "account-email"),
        ("/accounts/password/change/", "account-password"),
        ("/accounts/2fa/", "account-two-factor"),
        ("/accounts/2fa/totp/activate/", "account-two-factor-activate"),
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        look(page, name)

    response = page.goto(f"/organizations/{first.slug}/credentials/no-such-credential/revoke")
    assert response.status == 404
    assert page.get_by_role("heading", name="Not found").is_visible()
    look(page, "not-found-in-organization")
    response = page.goto("/organizations/nobody-here/")
    assert response.status == 404
    look(page, "not-found")

    # An Issuer of the second organization opening what only Owners and Admins may do.
    response = page.goto(f"/organizations/{second.slug}/settings/keys/rotate")
    assert response.status == 403
    assert page.get_by_role("heading", name="You may not see this page").is_visible()
    look(page, "not-allowed")
    assert page.dialogs == []
