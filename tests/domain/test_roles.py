"""Every service × role (Owner, Admin, Issuer, a member of another organization).

An outsider acting on acme's objects gets not_found (never forbidden: ids do not leak);
services that act on "my organization" act on the outsider's own one.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.credentials import services as credential_services
from laurel.credentials.models import Credential, CredentialGroup
from laurel.mail.models import EmailDelivery
from laurel.organizations import api_keys, signing_keys
from laurel.organizations import services as org_services
from laurel.organizations.errors import Forbidden, NotFound
from laurel.organizations.models import ApiKey, AuditEvent, Membership, SigningKey
from laurel.organizations.permissions import PERMISSIONS, role_may


@pytest.fixture
def world(owner, never_group, yearly_group, user_factory):
    """acme's objects, made by its owner, for everybody else to try their hand at."""
    published = credential_services.issue(
        actor=owner, group_key=never_group.key, recipient_name="P", recipient_email="p@example.org"
    )
    # The issuance email failed, so a resend is not held back by the cooldown.
    EmailDelivery.objects.filter(credential_id=published.id).update(status="failed")
    draft = credential_services.issue(
        actor=owner,
        group_key=yearly_group.key,
        recipient_name="D",
        recipient_email="d@example.org",
        draft=True,
    )
    api_key, _ = api_keys.create_api_key(actor=owner, name="LMS", role="issuer")
    newcomer = user_factory()
    membership = Membership.objects.create(
        user=user_factory(), organization=owner.organization, role="issuer"
    )
    return {
        "group": never_group,
        "published": published,
        "draft": draft,
        "api_key": api_key,
        "newcomer": newcomer,
        "membership": membership,
    }


SERVICES = {
    "issue": lambda a, w: credential_services.issue(
        actor=a, group_key=w["group"].key, recipient_name="N", recipient_email="n@example.org"
    ),
    "update_draft": lambda a, w: credential_services.update_credential(
        actor=a, credential_id=w["draft"].id, recipient_name="Renamed"
    ),
    "delete_draft": lambda a, w: credential_services.delete_draft(
        actor=a, credential_id=w["draft"].id
    ),
    "publish": lambda a, w: credential_services.publish(actor=a, credential_id=w["draft"].id),
    "update_expiry": lambda a, w: credential_services.update_credential(
        actor=a, credential_id=w["published"].id, valid_until=timezone.now() + timedelta(days=5)
    ),
    "revoke": lambda a, w: credential_services.revoke(
        actor=a, credential_id=w["published"].id, reason="r"
    ),
    "resend_email": lambda a, w: credential_services.resend_email(
        actor=a, credential_id=w["published"].id
    ),
    "create_group": lambda a, w: credential_services.create_group(actor=a, title="New course"),
    "update_group": lambda a, w: credential_services.update_group(
        actor=a, group_key=w["group"].key, title="Renamed course"
    ),
    "create_api_key": lambda a, w: api_keys.create_api_key(actor=a, name="CRM", role="admin"),
    "revoke_api_key": lambda a, w: api_keys.revoke_api_key(actor=a, api_key_id=w["api_key"].id),
    "rotate_signing_key": lambda a, w: signing_keys.rotate_signing_key(actor=a),
    "add_member": lambda a, w: org_services.add_member(actor=a, user=w["newcomer"], role="issuer"),
    "add_owner": lambda a, w: org_services.add_member(actor=a, user=w["newcomer"], role="owner"),
    "change_member_role": lambda a, w: org_services.change_member_role(
        actor=a, membership_id=w["membership"].id, role="admin"
    ),
    "update_settings": lambda a, w: org_services.update_organization_settings(
        actor=a, emails_enabled=False
    ),
}

EVERYONE = {"owner", "admin", "issuer"}
MANAGERS = {"owner", "admin"}
ALLOWED = {
    "issue": EVERYONE,
    "update_draft": EVERYONE,
    "delete_draft": EVERYONE,
    "publish": EVERYONE,
    "update_expiry": EVERYONE,
    "revoke": MANAGERS,
    "resend_email": MANAGERS,
    "create_group": EVERYONE,
    "update_group": EVERYONE,
    "create_api_key": MANAGERS,
    "revoke_api_key": MANAGERS,
    "rotate_signing_key": MANAGERS,
    "add_member": MANAGERS,
    "add_owner": {"owner"},
    "change_member_role": MANAGERS,
    "update_settings": MANAGERS,
}
# Services that act on the actor's own organization rather than on an object by id.
OWN_ORGANIZATION = {
    "create_group",
    "create_api_key",
    "rotate_signing_key",
    "add_member",
    "add_owner",
    "update_settings",
}


@pytest.mark.parametrize("who", ["owner", "admin", "issuer", "outsider"])
@pytest.mark.parametrize("service", list(SERVICES))
def test_who_may_use_each_service(service, who, actors, world):
    actor = actors[who]
    acme = actors["owner"].organization
    events_before = AuditEvent.objects.filter(organization=acme).count()

    if who == "outsider" and service not in OWN_ORGANIZATION:
        with pytest.raises(NotFound):
            SERVICES[service](actor, world)
        assert AuditEvent.objects.filter(organization=acme).count() == events_before
        return
    if who == "outsider" or who in ALLOWED[service]:
        SERVICES[service](actor, world)
        events = AuditEvent.objects.filter(organization=actor.organization, actor_user=actor.user)
        assert events.exists()
        if who == "outsider":  # it acted on its own organization, never on acme
            assert AuditEvent.objects.filter(organization=acme).count() == events_before
        return
    with pytest.raises(Forbidden) as caught:
        SERVICES[service](actor, world)
    assert (caught.value.code, caught.value.http_status) == ("forbidden", 403)
    assert AuditEvent.objects.filter(organization=acme).count() == events_before


def test_a_denied_revoke_leaves_the_credential_published(issuer, world):
    with pytest.raises(Forbidden):
        credential_services.revoke(actor=issuer, credential_id=world["published"].id, reason="r")
    assert Credential.objects.get(pk=world["published"].pk).status == "published"


def test_a_denied_api_key_leaves_no_key_behind(issuer, world):
    count = ApiKey.objects.count()
    with pytest.raises(Forbidden):
        api_keys.create_api_key(actor=issuer, name="sneaky", role="admin")
    assert ApiKey.objects.count() == count


def test_a_denied_rotation_keeps_the_active_key(issuer, world):
    active = SigningKey.objects.get(organization=issuer.organization, status="active")
    with pytest.raises(Forbidden):
        signing_keys.rotate_signing_key(actor=issuer)
    assert SigningKey.objects.get(organization=issuer.organization, status="active") == active


def test_an_outsider_cannot_rename_acmes_group(outsider, world):
    with pytest.raises(NotFound):
        credential_services.update_group(
            actor=outsider, group_key=world["group"].key, title="Hijacked"
        )
    assert CredentialGroup.objects.get(pk=world["group"].pk).title == "Python Foundations"


ROLE_TABLE = [
    # action, owner, admin, issuer  (DESIGN.md "Roles")
    ("issue", True, True, True),
    ("bulk", True, True, True),
    ("publish", True, True, True),
    ("update_draft", True, True, True),
    ("revoke", True, True, False),
    ("resend_email", True, True, False),
    ("manage_groups", True, True, True),
    ("manage_designs", True, True, True),
    ("manage_members", True, True, False),
    ("manage_api_keys", True, True, False),
    ("manage_signing_keys", True, True, False),
    ("manage_settings", True, True, False),
    ("transfer_ownership", True, False, False),
    ("delete_organization", True, False, False),
]


@pytest.mark.parametrize("action, owner_may, admin_may, issuer_may", ROLE_TABLE)
def test_the_permission_table_matches_the_design(action, owner_may, admin_may, issuer_may):
    assert (role_may("owner", action), role_may("admin", action), role_may("issuer", action)) == (
        owner_may,
        admin_may,
        issuer_may,
    )


def test_every_action_of_the_permission_table_is_in_the_design_table():
    assert set(PERMISSIONS) == {row[0] for row in ROLE_TABLE} | {"view"}
