"""Recipients: the cast gets a recipient who signs in, and credentials issued to them."""

from __future__ import annotations

import pytest

# The browser, the page and look() of the issuer pages serve these pages too.
from tests.web.conftest import browser, member_login, page  # noqa: F401


@pytest.fixture
def issue_to(owner):
    from laurel.credentials.services import issue

    def make(group, email="ada@example.org", name="Ada Lovelace", **fields):
        return issue(
            actor=owner,
            group_key=group.key,
            recipient_name=name,
            recipient_email=email,
            **fields,
        )

    return make


@pytest.fixture
def recipient(user_factory):
    """Ada, signed up with ada@example.org (verified)."""
    from tests.web.conftest import PASSWORD

    return user_factory("ada@example.org", password=PASSWORD)


@pytest.fixture
def add_email():
    from allauth.account.models import EmailAddress

    def add(user, email, verified=True):
        return EmailAddress.objects.create(user=user, email=email, verified=verified)

    return add
