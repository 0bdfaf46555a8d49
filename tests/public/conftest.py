"""Credentials in every state the public pages show, made through the domain services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.conftest import (  # noqa: F401
    PASSWORD,  # noqa: F401
    browser,
    look,
    member_login,
    page,
    sign_in,
)


@pytest.fixture(autouse=True)
def _counts_at_once(settings):
    """Analytics written at once, so a test reads back what its requests counted."""
    settings.LAUREL_ANALYTICS_FLUSH_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches (the shared one and this process's)."""
    from django.core.cache import cache

    from laurel.public.pages import local_cache

    cache.clear()
    local_cache.entries.clear()
    yield


@pytest.fixture
def skills_group(acme, group_factory):
    return group_factory(
        acme,
        title="Data Analysis with Python",
        description="Cleaning, exploring and presenting data with pandas.",
        criteria="Passed the final project, reviewed by two instructors.",
        expiry_unit="years",
        expiry_amount=2,
        skills=[
            {"name": "pandas", "url": "https://example.org/skills/pandas", "framework": "ESCO"},
            {"name": "Data visualisation", "url": "https://example.org/skills/dataviz"},
        ],
        custom_fields=["custom_grade", "custom_hours"],
    )


@pytest.fixture
def issue_one(owner):
    from laurel.credentials.services import issue

    def make(group, name="Ada Lovelace", email="ada@example.org", **fields):
        return issue(
            actor=owner,
            group_key=group.key,
            recipient_name=name,
            recipient_email=email,
            **fields,
        )

    return make


@pytest.fixture
def valid_credential(issue_one, skills_group):
    return issue_one(
        skills_group,
        evidence_url="https://example.org/projects/ada",
        custom_attributes={"custom_grade": "A", "custom_hours": "40"},
    )


@pytest.fixture
def expired_credential(issue_one, yearly_group):
    now = timezone.now()
    return issue_one(
        yearly_group,
        name="Grace Hopper",
        email="grace@example.org",
        issued_on=now - timedelta(days=400),
        valid_until=now - timedelta(days=35),
    )


@pytest.fixture
def revoked_credential(issue_one, owner, never_group):
    from laurel.credentials.services import revoke

    credential = issue_one(never_group, name="Alan Turing", email="alan@example.org")
    revoke(actor=owner, credential_id=credential.pk, reason="Issued to the wrong cohort")
    credential.refresh_from_db()
    return credential


@pytest.fixture
def superseded_pair(issue_one, yearly_group):
    """(old, new): a renewal of a still-valid yearly credential supersedes it."""
    from laurel.credentials.models import Credential

    old = issue_one(yearly_group, name="Katherine Johnson", email="kj@example.org")
    new = issue_one(yearly_group, name="Katherine Johnson", email="kj@example.org")
    return Credential.objects.get(pk=old.pk), new


@pytest.fixture
def private_credential(issue_one, never_group):
    return issue_one(
        never_group, name="Secret Person", email="secret@example.org", privacy="private"
    )


@pytest.fixture
def draft_credential(issue_one, never_group):
    return issue_one(never_group, name="Draft Person", email="draft@example.org", draft=True)
