"""Platform staff in the Django admin: approve organizations, set plans and quotas."""

from __future__ import annotations

import pytest
from django.test import Client

from laurel.organizations.models import AuditEvent, Organization, SigningKey


@pytest.fixture
def staff_client(db, django_user_model):
    staff = django_user_model.objects.create_superuser(
        username="staff", email="staff@example.org", password=None
    )
    client = Client()
    client.force_login(staff)
    return client


def test_staff_approve_an_organization_and_it_gets_a_key(staff_client, org_factory):
    pending = org_factory("Pending Polytechnic", approved=False)
    response = staff_client.post(
        "/admin/organizations/organization/",
        {"action": "approve", "_selected_action": [pending.pk]},
    )
    assert response.status_code == 302
    assert Organization.objects.get(pk=pending.pk).status == "approved"
    assert SigningKey.objects.filter(organization=pending, status="active").count() == 1
    assert AuditEvent.objects.filter(organization=pending, action="organization.approved").exists()


def test_staff_set_the_plan_and_the_quota_override(staff_client, org_factory):
    organization = org_factory("Contract College", plan="free")
    response = staff_client.post(
        f"/admin/organizations/organization/{organization.pk}/change/",
        {
            "plan": "enterprise",
            "monthly_quota_override": "12000",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "signing_keys-TOTAL_FORMS": "0",
            "signing_keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    stored = Organization.objects.get(pk=organization.pk)
    assert (stored.plan, stored.monthly_quota_override, stored.monthly_quota) == (
        "enterprise",
        12000,
        12000,
    )
    assert AuditEvent.objects.filter(
        organization=organization, action="organization.plan_changed"
    ).exists()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/organizations/organization/",
        "/admin/organizations/auditevent/",
        "/admin/organizations/apikey/",
        "/admin/credentials/credential/",
        "/admin/credentials/credentialgroup/",
        "/admin/credentials/statuslist/",
    ],
)
def test_staff_can_read_every_list(staff_client, owner, never_group, path):
    from laurel.credentials.services import issue

    issue(
        actor=owner, group_key=never_group.key, recipient_name="A", recipient_email="a@example.org"
    )
    assert staff_client.get(path).status_code == 200


def test_credentials_are_read_only_in_the_admin(staff_client, owner, never_group):
    from laurel.credentials.services import issue

    credential = issue(
        actor=owner, group_key=never_group.key, recipient_name="A", recipient_email="a@example.org"
    )
    page = staff_client.get(f"/admin/credentials/credential/{credential.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
