"""Organization settings: what goes into every credential's signed issuer profile (url,
email, image) is checked before it is stored, so no setting can make every issue fail."""

from __future__ import annotations

import pytest

from laurel.credentials.services import issue
from laurel.organizations.errors import ValidationError
from laurel.organizations.models import Organization
from laurel.organizations.services import update_organization_settings

pytestmark = pytest.mark.django_db


def test_good_settings_are_stored_trimmed_and_signed_into_credentials(owner, never_group):
    update_organization_settings(
        actor=owner,
        name="  Acme Academy  ",
        url=" https://acme.example/ ",
        email="hello@acme.example",
        image="https://acme.example/logo.png",
        emails_enabled=False,
    )
    stored = Organization.objects.get(pk=owner.organization.pk)
    assert (stored.name, stored.url, stored.email, stored.image, stored.emails_enabled) == (
        "Acme Academy",
        "https://acme.example/",
        "hello@acme.example",
        "https://acme.example/logo.png",
        False,
    )
    credential = issue(
        actor=owner, group_key=never_group.key, recipient_name="Ada", recipient_email="a@x.org"
    )
    issuer = credential.document["issuer"]
    assert (issuer["url"], issuer["email"]) == ("https://acme.example/", "hello@acme.example")
    # Cleared again: empty is allowed, and the profile simply leaves them out.
    update_organization_settings(actor=owner, url="", email="", image="")
    stored.refresh_from_db()
    assert (stored.url, stored.email, stored.image) == ("", "", "")


@pytest.mark.parametrize(
    "field, value",
    [
        ("url", "not a url"),
        ("url", "javascript:alert(1)"),
        ("url", "https://acme.example/" + "a" * 200),  # longer than the column
        ("image", "ftp://acme.example/logo.png"),
        ("email", "not-an-email"),
        ("email", "a" * 250 + "@x.org"),
        ("email", 42),
        ("url", ["https://acme.example"]),
        ("emails_enabled", "yes"),
        ("emails_enabled", 0),
        ("name", ""),
    ],
)
def test_a_bad_setting_is_refused_by_name_and_nothing_changes(owner, field, value):
    before = Organization.objects.filter(pk=owner.organization.pk).values().get()
    with pytest.raises(ValidationError) as refused:
        update_organization_settings(actor=owner, **{field: value})
    assert refused.value.field == field
    assert Organization.objects.filter(pk=owner.organization.pk).values().get() == before


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_the_email_language_is_one_laurel_ships(owner, language):
    update_organization_settings(actor=owner, email_language=language)
    assert Organization.objects.get(pk=owner.organization.pk).email_language == language


@pytest.mark.parametrize("value", ["de", "", "FR", None, 5, "fr-CA", ["fr"]])
def test_an_email_language_laurel_does_not_ship_is_refused_and_nothing_changes(owner, value):
    with pytest.raises(ValidationError) as refused:
        update_organization_settings(actor=owner, name="Renamed", email_language=value)
    assert refused.value.field == "email_language"
    stored = Organization.objects.get(pk=owner.organization.pk)
    assert (stored.email_language, stored.name) == ("en", "Acme Academy")


def test_an_issuer_may_not_change_the_email_language(issuer):
    from laurel.organizations.errors import Forbidden

    with pytest.raises(Forbidden):
        update_organization_settings(actor=issuer, email_language="fr")
    assert Organization.objects.get(pk=issuer.organization.pk).email_language == "en"
