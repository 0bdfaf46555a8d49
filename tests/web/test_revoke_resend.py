"""Revoke and resend from the credentials list, for every role; another org's ids are 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.credentials import services
from laurel.credentials.models import Credential
from laurel.mail.models import EmailDelivery
from laurel.organizations.errors import Cooldown
from laurel.organizations.models import AuditEvent


@pytest.fixture
def published(owner, never_group):
    return services.issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ada Lovelace",
        recipient_email="ada@example.org",
    )


def url(organization, credential, action: str) -> str:
    return f"/organizations/{organization.slug}/credentials/{credential.id}/{action}"


def list_url(organization) -> str:
    return f"/organizations/{organization.slug}/credentials"


# --- revoke ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_owner_and_admin_revoke_with_a_reason(member_login, actors, published, who):
    client = member_login(actors[who].user)
    page = client.get(url(published.organization, published, "revoke"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "cannot be undone" in body and "public page shows the credential as revoked" in body
    response = client.post(
        url(published.organization, published, "revoke"), {"reason": "Issued by mistake"}
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(published.organization)
    published.refresh_from_db()
    assert published.status == "revoked"
    assert published.revocation_reason == "Issued by mistake"
    assert AuditEvent.objects.filter(action="credential.revoked").count() == 1
    listed = client.get(response["Location"]).content.decode()
    assert "status-revoked" in listed and "Revoked the credential of Ada Lovelace." in listed
    public = client.get(f"/credential/{published.id}").content.decode()
    assert "The issuer revoked this credential" in public and "Issued by mistake" in public


def test_revoke_asks_for_a_reason_and_keeps_nothing_half_done(member_login, admin, published):
    response = member_login(admin.user).post(url(published.organization, published, "revoke"))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    published.refresh_from_db()
    assert published.status == "published"


def test_revoke_returns_to_the_list_as_it_was_but_only_on_our_host(member_login, admin, published):
    client = member_login(admin.user)
    back = list_url(published.organization) + "?q=ada"
    response = client.post(
        url(published.organization, published, "revoke"), {"reason": "r", "next": back}
    )
    assert response["Location"] == back
    other = services.issue(
        actor=admin,
        group_key=published.group.key,
        recipient_name="Bob",
        recipient_email="bob@example.org",
    )
    response = client.post(
        url(other.organization, other, "revoke"), {"reason": "r", "next": "https://evil.example/"}
    )
    assert response["Location"] == list_url(other.organization)


def test_revoking_twice_shows_the_service_message(member_login, admin, published):
    client = member_login(admin.user)
    client.post(url(published.organization, published, "revoke"), {"reason": "r"})
    page = client.get(url(published.organization, published, "revoke")).content.decode()
    assert "It was revoked already." in page and 'name="reason"' not in page
    response = client.post(url(published.organization, published, "revoke"), {"reason": "again"})
    assert response.status_code == 200
    assert "Only published credentials can be revoked" in response.content.decode()


def test_issuer_sees_no_revoke_and_is_refused_when_posting_anyway(member_login, issuer, published):
    client = member_login(issuer.user)
    body = client.get(list_url(published.organization)).content.decode()
    assert "/revoke" not in body and "/resend" not in body and "Resend" not in body
    assert client.get(url(published.organization, published, "revoke")).status_code == 403
    response = client.post(url(published.organization, published, "revoke"), {"reason": "r"})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.status == "published"


def test_owner_sees_revoke_and_resend_buttons(member_login, owner, published):
    EmailDelivery.objects.filter(credential_id=published.id).update(status="failed")
    body = member_login(owner.user).get(list_url(published.organization)).content.decode()
    assert url(published.organization, published, "revoke") in body
    assert f'formaction="{url(published.organization, published, "resend")}"' in body


@pytest.mark.parametrize("action", ["revoke", "resend"])
def test_signed_out_is_sent_to_sign_in(client, published, action):
    response = client.post(url(published.organization, published, action), {"reason": "r"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    published.refresh_from_db()
    assert published.status == "published"


@pytest.mark.parametrize("action", ["revoke", "resend"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organizations_credential_is_404(member_login, outsider, published, action, method):
    EmailDelivery.objects.filter(credential_id=published.id).update(status="failed")
    client = member_login(outsider.user)
    # Through the outsider's own organization: the id is not theirs.
    mine = url(outsider.organization, published, action)
    # Through acme's URL: they are not a member.
    theirs = url(published.organization, published, action)
    for target in (mine, theirs):
        response = getattr(client, method)(target, {"reason": "r"})
        if action == "resend" and method == "get":
            assert response.status_code in (404, 405)
        else:
            assert response.status_code == 404, target
    published.refresh_from_db()
    assert published.status == "published"
    assert EmailDelivery.objects.filter(credential_id=published.id).count() == 1


def test_an_unknown_credential_is_404(member_login, owner):
    client = member_login(owner.user)
    missing = f"/organizations/{owner.organization.slug}/credentials/{'x' * 32}/revoke"
    assert client.get(missing).status_code == 404


# --- resend ------------------------------------------------------------------------------


def test_resend_during_the_cooldown_shows_the_date_and_is_refused(member_login, admin, published):
    sent = timezone.now() - timedelta(days=2)
    EmailDelivery.objects.filter(credential_id=published.id).update(status="sent", sent_at=sent)
    client = member_login(admin.user)
    body = client.get(list_url(published.organization)).content.decode()
    available = (sent + timedelta(days=7)).strftime("%-d %b %Y")
    assert f"Resend from {available}</button>" in body
    assert "disabled" in body
    response = client.post(url(published.organization, published, "resend"), follow=True)
    assert "can be sent again after" in response.content.decode()
    assert EmailDelivery.objects.filter(credential_id=published.id).count() == 1
    with pytest.raises(Cooldown):  # the service holds the same rule
        services.resend_email(actor=admin, credential_id=published.id)


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_resend_after_a_failed_send_queues_a_new_email(member_login, actors, published, who):
    EmailDelivery.objects.filter(credential_id=published.id).update(
        status="failed", error="550 no such user"
    )
    client = member_login(actors[who].user)
    response = client.post(url(published.organization, published, "resend"), follow=True)
    assert response.status_code == 200
    assert "The email is on its way again." in response.content.decode()
    kinds = list(
        EmailDelivery.objects.filter(credential_id=published.id)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["issuance", "resend"]
    # And now the cooldown holds: the button is disabled with its date.
    body = client.get(list_url(published.organization)).content.decode()
    assert "Resend from " in body


def test_issuer_is_refused_resend(member_login, issuer, published):
    EmailDelivery.objects.filter(credential_id=published.id).update(status="failed")
    response = member_login(issuer.user).post(url(published.organization, published, "resend"))
    assert response.status_code == 403
    assert EmailDelivery.objects.filter(credential_id=published.id).count() == 1


def test_resend_is_post_only(member_login, owner, published):
    response = member_login(owner.user).get(url(published.organization, published, "resend"))
    assert response.status_code == 405


def test_resend_of_a_draft_says_why_not(member_login, owner, never_group):
    draft = services.issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="D",
        recipient_email="d@example.org",
        draft=True,
    )
    response = member_login(owner.user).post(url(owner.organization, draft, "resend"), follow=True)
    assert "Only published credentials are emailed" in response.content.decode()
    assert Credential.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.parametrize(
    "last_status, days_ago, available_in_days",
    [
        (None, None, None),  # never emailed: now
        ("failed", 0, None),  # the last one failed: now
        ("failed", 30, None),
        ("queued", 0, 7),
        ("sending", 1, 6),
        ("sent", 0, 7),
        ("sent", 6.5, 0.5),
        ("sent", 7, None),  # exactly the cooldown later: now
        ("sent", 40, None),
    ],
)
def test_the_resend_rule_the_service_and_the_list_share(last_status, days_ago, available_in_days):
    from laurel.credentials.rules import resend_available_at

    now = timezone.now()
    last_at = None if days_ago is None else now - timedelta(days=days_ago)
    available = resend_available_at(
        last_status=last_status, last_at=last_at, cooldown=timedelta(days=7), now=now
    )
    expected = None if available_in_days is None else now + timedelta(days=available_in_days)
    assert available == expected
