"""Tenancy: no service or selector reads or writes another organization's objects."""

from __future__ import annotations

import pytest

from laurel.credentials import selectors as credential_selectors
from laurel.credentials import services as credential_services
from laurel.credentials.models import Credential, CredentialGroup
from laurel.organizations import selectors as org_selectors
from laurel.organizations.api_keys import create_api_key
from laurel.organizations.errors import GroupNotFound, NotFound
from laurel.organizations.models import ApiKey, AuditEvent, Membership, SigningKey
from laurel.organizations.tenancy import get_scoped, scoped


@pytest.fixture
def both(owner, outsider, never_group, group_factory):
    """acme and globex, each with a group, a credential, a draft and an API key."""
    globex_group = group_factory(outsider.organization, title="Globex course")
    made = {}
    for name, actor, group in (("acme", owner, never_group), ("globex", outsider, globex_group)):
        made[name] = {
            "actor": actor,
            "group": group,
            "credential": credential_services.issue(
                actor=actor,
                group_key=group.key,
                recipient_name="Same",
                recipient_email="same@example.org",
            ),
            "draft": credential_services.issue(
                actor=actor,
                group_key=group.key,
                recipient_name="Other",
                recipient_email="other@example.org",
                draft=True,
            ),
            "api_key": create_api_key(actor=actor, name=f"{name} key")[0],
        }
    return made


@pytest.mark.parametrize(
    "model", [Credential, CredentialGroup, ApiKey, SigningKey, Membership, AuditEvent]
)
def test_scoped_queries_see_only_their_organization(both, model):
    acme = both["acme"]["actor"].organization
    globex = both["globex"]["actor"].organization
    assert scoped(model, acme).exists()
    assert not scoped(model, acme).filter(organization=globex).exists()
    assert set(model.objects.for_organization(acme)) == set(scoped(model, acme))


def test_another_organizations_credential_is_not_found_not_forbidden(both):
    acme = both["acme"]["actor"].organization
    with pytest.raises(NotFound):
        credential_selectors.get_credential(acme, credential_id=both["globex"]["credential"].id)
    with pytest.raises(NotFound):
        get_scoped(Credential, acme, pk="not a real id at all")


def test_another_organizations_group_is_group_not_found(both):
    acme = both["acme"]["actor"].organization
    with pytest.raises(GroupNotFound):
        credential_selectors.get_group(acme, key=both["globex"]["group"].key)


@pytest.mark.parametrize(
    "call",
    [
        lambda a, theirs: credential_services.publish(actor=a, credential_id=theirs["draft"].id),
        lambda a, theirs: credential_services.update_credential(
            actor=a, credential_id=theirs["draft"].id, recipient_name="x"
        ),
        lambda a, theirs: credential_services.delete_draft(
            actor=a, credential_id=theirs["draft"].id
        ),
        lambda a, theirs: credential_services.revoke(
            actor=a, credential_id=theirs["credential"].id, reason="x"
        ),
        lambda a, theirs: credential_services.resend_email(
            actor=a, credential_id=theirs["credential"].id
        ),
        lambda a, theirs: credential_services.update_credential(
            actor=a, credential_id=theirs["credential"].id, valid_until=None
        ),
        lambda a, theirs: credential_services.issue(
            actor=a,
            group_key=theirs["group"].key,
            recipient_name="x",
            recipient_email="x@example.org",
        ),
        lambda a, theirs: credential_services.update_group(
            actor=a, group_key=theirs["group"].key, title="x"
        ),
    ],
    ids=[
        "publish",
        "update_draft",
        "delete_draft",
        "revoke",
        "resend_email",
        "update_expiry",
        "issue",
        "update_group",
    ],
)
def test_no_service_touches_another_organizations_objects(both, call):
    mine, theirs = both["acme"], both["globex"]
    before = {
        c.pk: (c.status, c.recipient_name, c.updated_at)
        for c in Credential.objects.filter(organization=theirs["actor"].organization)
    }
    with pytest.raises(NotFound):
        call(mine["actor"], theirs)
    after = {
        c.pk: (c.status, c.recipient_name, c.updated_at)
        for c in Credential.objects.filter(organization=theirs["actor"].organization)
    }
    assert after == before
    assert CredentialGroup.objects.get(pk=theirs["group"].pk).title == "Globex course"


def test_revoking_another_organizations_api_key_is_not_found(both):
    from laurel.organizations.api_keys import revoke_api_key

    with pytest.raises(NotFound):
        revoke_api_key(actor=both["acme"]["actor"], api_key_id=both["globex"]["api_key"].id)
    assert ApiKey.objects.get(pk=both["globex"]["api_key"].pk).revoked_at is None


def test_the_same_recipient_in_two_organizations_are_two_recipients(both):
    # Each organization has its own recipient check and its own quota.
    for name in ("acme", "globex"):
        organization = both[name]["actor"].organization
        assert org_selectors.quota_status(organization).used == 2
        check = credential_selectors.recipient_check_for(both[name]["group"], "same@example.org")
        assert check.existing_id == both[name]["credential"].id


def test_listing_selectors_return_only_the_organizations_rows(both):
    acme = both["acme"]["actor"].organization
    listed = credential_selectors.credentials(acme)
    assert {c.organization_id for c in listed} == {acme.id}
    assert {c.pk for c in credential_selectors.credentials(acme, email="same@example.org")} == {
        both["acme"]["credential"].id
    }
    assert {k.organization_id for k in org_selectors.api_keys(acme)} == {acme.id}
    assert {e.organization_id for e in org_selectors.audit_events(acme)} == {acme.id}
    assert {g.organization_id for g in credential_selectors.groups(acme)} == {acme.id}


def test_an_outsider_is_no_actor_in_acme(both, outsider):
    with pytest.raises(NotFound):
        org_selectors.actor_for_user(
            user=outsider.user, organization=both["acme"]["actor"].organization
        )
