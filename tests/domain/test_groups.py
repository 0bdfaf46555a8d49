"""Credential groups: every field of DESIGN.md, each checked, each kept."""

from __future__ import annotations

import pytest

from laurel.credentials.models import CredentialGroup
from laurel.credentials.services import create_group, update_group
from laurel.organizations.errors import ValidationError


def test_a_group_keeps_every_field(owner):
    group = create_group(
        actor=owner,
        title="Cloud Architect",
        code="CA-101",
        description="Designs systems that stay up.",
        criteria="Passed the exam.",
        image="https://example.org/badge.png",
        skills=[
            {"name": "Networking", "url": "https://example.org/skills/net", "framework": "ESCO"}
        ],
        expiry_unit="months",
        expiry_amount=18,
        allow_duplicates=True,
        custom_fields=["custom_score"],
        default_privacy="private",
        certificate_design={"layout": "classic"},
        badge_design={"shape": "hexagon"},
    )
    stored = CredentialGroup.objects.get(pk=group.pk)
    assert len(stored.key) == 12 and stored.key.isalnum()
    assert (stored.code, stored.expiry_unit, stored.expiry_amount) == ("CA-101", "months", 18)
    assert stored.skills == [
        {"name": "Networking", "url": "https://example.org/skills/net", "framework": "ESCO"}
    ]
    assert (stored.allow_duplicates, stored.custom_fields, stored.default_privacy) == (
        True,
        ["custom_score"],
        "private",
    )
    assert (stored.certificate_design, stored.badge_design) == (
        {"layout": "classic"},
        {"shape": "hexagon"},
    )


def test_group_keys_are_unique_and_unguessable(owner):
    keys = {create_group(actor=owner, title=f"G{n}").key for n in range(20)}
    assert len(keys) == 20


BAD_GROUPS = [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "T", "expiry_unit": "days"}, "expiry_amount"),
    ({"title": "T", "expiry_unit": "years", "expiry_amount": 0}, "expiry_amount"),
    ({"title": "T", "expiry_unit": "weeks", "expiry_amount": 2}, "expiry_unit"),
    ({"title": "T", "custom_fields": ["grade"]}, "custom_fields"),
    ({"title": "T", "custom_fields": ["custom_a b"]}, "custom_fields"),
    ({"title": "T", "skills": [{"name": "No URL"}]}, "skills[0].url"),
    ({"title": "T", "skills": "Python"}, "skills"),
    ({"title": "T", "image": "ftp://example.org/x.png"}, "image"),
    ({"title": "T", "default_privacy": "hidden"}, "privacy"),
    ({"title": "T", "allow_duplicates": "yes"}, "allow_duplicates"),
    ({"title": "T", "colour": "red"}, "colour"),
]


@pytest.mark.parametrize("fields, field", BAD_GROUPS)
def test_a_bad_group_is_refused_naming_the_field(owner, fields, field):
    with pytest.raises(ValidationError) as caught:
        create_group(actor=owner, **fields)
    assert caught.value.field == field
    assert not CredentialGroup.objects.filter(organization=owner.organization).exists()


def test_updating_the_expiry_unit_checks_it_against_the_stored_amount(owner):
    group = create_group(actor=owner, title="T", expiry_unit="years", expiry_amount=2)
    update_group(actor=owner, group_key=group.key, expiry_unit="months")
    assert (
        CredentialGroup.objects.get(pk=group.pk).expiry_unit,
        CredentialGroup.objects.get(pk=group.pk).expiry_amount,
    ) == ("months", 2)
    update_group(actor=owner, group_key=group.key, expiry_unit="never")
    assert CredentialGroup.objects.get(pk=group.pk).expiry_amount is None
