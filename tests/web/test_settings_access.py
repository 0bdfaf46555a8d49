"""Every settings page and every settings POST × who asks: Owner, Admin, Issuer, signed
out, a member of another organization (404, never 403), and another organization's ids.

Issuers see every page read-only (no forms, no buttons) and get 403 when they post anyway.
"""

from __future__ import annotations

import pytest

from laurel.organizations import api_keys, invitations
from laurel.organizations.models import ApiKey, AuditEvent, Invitation, Membership, SigningKey
from laurel.webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

PAGES = ["general", "members", "api-keys", "keys", "webhooks", "plan", "audit"]
# What a manager sees on the page and an issuer does not (a form or a button).
MANAGER_ONLY = {
    "general": "Save changes",
    "members": "Invite someone",
    "api-keys": "Create an API key",
    "keys": "Rotate key",
    "webhooks": "Add a webhook",
}


def settings_url(organization, page: str) -> str:
    return f"/organizations/{organization.slug}/settings/{page}"


@pytest.fixture
def webhook(acme):
    subscription = WebhookSubscription.objects.create(
        organization=acme, url="https://hooks.example.org/in", events=["credential.issued"]
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        organization=acme,
        event_id="evt_1",
        event="credential.issued",
        payload={},
        status="failed",
        attempts=8,
        last_status_code=500,
        last_error="HTTP 500",
    )
    return subscription, delivery


@pytest.mark.parametrize("who", ["owner", "admin", "issuer"])
@pytest.mark.parametrize("page", PAGES)
def test_every_member_sees_every_settings_page(member_login, actors, who, page):
    actor = actors[who]
    response = member_login(actor.user).get(settings_url(actor.organization, page))
    assert response.status_code == 200
    body = response.content.decode()
    if page in MANAGER_ONLY:
        assert (MANAGER_ONLY[page] in body) == (who != "issuer")
    assert ("Read only" in body) == (who == "issuer")


@pytest.mark.parametrize("page", PAGES + ["", "keys/rotate", "members/1/remove"])
def test_signed_out_goes_to_sign_in(client, acme, page):
    response = client.get(settings_url(acme, page))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("page", PAGES + [""])
def test_a_member_of_another_organization_gets_404(member_login, outsider, acme, page):
    assert member_login(outsider.user).get(settings_url(acme, page)).status_code == 404


def test_settings_index_opens_general(member_login, issuer):
    response = member_login(issuer.user).get(settings_url(issuer.organization, ""))
    assert response.status_code == 302
    assert response["Location"] == settings_url(issuer.organization, "general")


def test_the_webhook_log_answers_members_and_404s_outsiders(
    member_login, actors, webhook, outsider
):
    subscription, _ = webhook
    for who in ("owner", "admin", "issuer"):
        client = member_login(actors[who].user)
        response = client.get(
            settings_url(subscription.organization, f"webhooks/{subscription.pk}")
        )
        assert response.status_code == 200
        assert ("Resend" in response.content.decode()) == (who != "issuer")
    client = member_login(outsider.user)
    assert (
        client.get(
            settings_url(subscription.organization, f"webhooks/{subscription.pk}")
        ).status_code
        == 404
    )
    own = settings_url(outsider.organization, f"webhooks/{subscription.pk}")
    assert client.get(own).status_code == 404  # acme's id under globex's address


def _posts(actors, webhook):
    """(path under settings/, data, what to check was (not) done) for every POST."""
    acme = actors["owner"].organization
    subscription, delivery = webhook
    target = Membership.objects.get(user=actors["issuer"].user)
    api_key, _ = api_keys.create_api_key(actor=actors["owner"], name="LMS")
    invited = invitations.invite(actor=actors["owner"], email="n@example.org", role="issuer")
    return {
        "general": (
            "general",
            {"name": "Renamed", "url": "", "email": "", "image": "", "emails_enabled": "on"},
            lambda: acme.__class__.objects.get(pk=acme.pk).name == "Renamed",
        ),
        "invite": (
            "members/invite",
            {"email": "new@example.org", "role": "issuer"},
            lambda: Invitation.objects.filter(email="new@example.org").exists(),
        ),
        "role": (
            f"members/{target.pk}/role",
            {"role": "admin"},
            lambda: Membership.objects.get(pk=target.pk).role == "admin",
        ),
        "remove": (
            f"members/{target.pk}/remove",
            {},
            lambda: not Membership.objects.filter(pk=target.pk).exists(),
        ),
        "revoke_invitation": (
            f"invitations/{invited.invitation.pk}/revoke",
            {},
            lambda: Invitation.objects.get(pk=invited.invitation.pk).revoked_at is not None,
        ),
        "create_api_key": (
            "api-keys",
            {"name": "New key", "role": "issuer"},
            lambda: ApiKey.objects.filter(name="New key").exists(),
        ),
        "revoke_api_key": (
            f"api-keys/{api_key.pk}/revoke",
            {},
            lambda: ApiKey.objects.get(pk=api_key.pk).revoked_at is not None,
        ),
        "rotate": (
            "keys/rotate",
            {},
            lambda: SigningKey.objects.filter(organization=acme).count() == 2,
        ),
        "subscribe": (
            "webhooks",
            {"url": "https://93.184.215.14/hook", "events": ["credential.revoked"]},
            lambda: WebhookSubscription.objects.filter(url__contains="93.184.215.14").exists(),
        ),
        "unsubscribe": (
            f"webhooks/{subscription.pk}/delete",
            {},
            lambda: WebhookSubscription.objects.get(pk=subscription.pk).deleted_at is not None,
        ),
        "resend": (
            f"webhook-deliveries/{delivery.pk}/resend",
            {},
            lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "pending",
        ),
    }


POSTS = [
    "general",
    "invite",
    "role",
    "remove",
    "revoke_invitation",
    "create_api_key",
    "revoke_api_key",
    "rotate",
    "subscribe",
    "unsubscribe",
    "resend",
]


@pytest.mark.parametrize("who", ["owner", "admin"])
@pytest.mark.parametrize("post", POSTS)
def test_managers_post(member_login, actors, webhook, who, post):
    path, data, done = _posts(actors, webhook)[post]
    response = member_login(actors[who].user).post(
        settings_url(actors[who].organization, path), data
    )
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    assert done()


@pytest.mark.parametrize("post", POSTS)
def test_an_issuer_posting_anyway_gets_403_and_nothing_changes(member_login, actors, webhook, post):
    path, data, done = _posts(actors, webhook)[post]
    events = AuditEvent.objects.count()
    response = member_login(actors["issuer"].user).post(
        settings_url(actors["issuer"].organization, path), data
    )
    assert response.status_code == 403
    assert not done()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("post", POSTS)
def test_an_outsider_posting_gets_404_and_nothing_changes(member_login, actors, webhook, post):
    path, data, done = _posts(actors, webhook)[post]
    acme = actors["owner"].organization
    response = member_login(actors["outsider"].user).post(settings_url(acme, path), data)
    assert response.status_code == 404
    assert not done()


@pytest.mark.parametrize(
    "post", ["role", "remove", "revoke_invitation", "revoke_api_key", "unsubscribe", "resend"]
)
def test_acme_ids_under_another_organization_are_404(member_login, actors, webhook, post):
    """The outsider is Owner of globex: acme's ids under globex's address do not exist."""
    path, data, done = _posts(actors, webhook)[post]
    outsider = actors["outsider"]
    response = member_login(outsider.user).post(settings_url(outsider.organization, path), data)
    assert response.status_code == 404
    assert not done()


@pytest.mark.parametrize("post", POSTS)
def test_signed_out_posts_go_to_sign_in(client, actors, webhook, post):
    path, data, done = _posts(actors, webhook)[post]
    response = client.post(settings_url(actors["owner"].organization, path), data)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not done()


def test_posts_need_the_csrf_token(actors, webhook):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(actors["owner"].user, backend="django.contrib.auth.backends.ModelBackend")
    path, data, done = _posts(actors, webhook)["invite"]
    response = client.post(settings_url(actors["owner"].organization, path), data)
    assert response.status_code == 403
    assert not done()
