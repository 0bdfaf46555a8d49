"""Invitations: who may invite with which role, the link (hashed at rest, once, until it
expires, for the invited address only), withdrawing, and the email in the outbox."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.mail.models import EmailDelivery
from laurel.organizations import invitations
from laurel.organizations.errors import Conflict, Forbidden, NotFound, ValidationError
from laurel.organizations.invitations import (
    InvitationExpired,
    InvitationInvalid,
    InvitationRevoked,
    InvitationUsed,
    InvitationWrongUser,
)
from laurel.organizations.models import AuditEvent, Invitation, Membership

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who, role, outcome",
    [
        ("owner", "admin", None),
        ("owner", "issuer", None),
        ("admin", "admin", None),
        ("admin", "issuer", None),
        ("issuer", "issuer", Forbidden),
        ("issuer", "admin", Forbidden),
        ("owner", "owner", ValidationError),  # an Owner is made by a transfer only
        ("admin", "owner", ValidationError),
        ("owner", "boss", ValidationError),
        ("owner", "", ValidationError),
    ],
)
def test_who_may_invite_with_which_role(actors, who, role, outcome):
    actor = actors[who]
    if outcome is None:
        invited = invitations.invite(actor=actor, email="new@example.org", role=role)
        assert invited.invitation.role == role
        assert invited.invitation.organization == actor.organization
        assert invited.invitation.invited_by == actor.user
    else:
        with pytest.raises(outcome):
            invitations.invite(actor=actor, email="new@example.org", role=role)
        assert not Invitation.objects.exists()
        assert not EmailDelivery.objects.exists()


@pytest.mark.parametrize(
    "email, message",
    [
        ("", "Enter the email address"),
        ("   ", "Enter the email address"),
        ("not an email", "is not an email address"),
        ("a@" + "b" * 260 + ".org", "longer than 254"),
        (None, "Enter the email address"),
    ],
)
def test_a_bad_email_is_a_validation_error_naming_the_field(owner, email, message):
    with pytest.raises(ValidationError, match=message) as raised:
        invitations.invite(actor=owner, email=email, role="issuer")
    assert raised.value.field == "email"
    assert not Invitation.objects.exists()


def test_inviting_a_member_says_they_are_one_already(owner, admin):
    with pytest.raises(ValidationError, match="already a member") as raised:
        invitations.invite(actor=owner, email=admin.user.email.upper(), role="issuer")
    assert raised.value.field == "email"


def test_the_token_is_random_and_only_its_hash_is_stored(owner):
    first = invitations.invite(actor=owner, email="a@example.org", role="issuer")
    second = invitations.invite(actor=owner, email="b@example.org", role="issuer")
    assert first.token != second.token and len(first.token) >= 40
    stored = Invitation.objects.get(pk=first.invitation.pk)
    assert stored.token_hash == hashlib.sha256(first.token.encode()).hexdigest()
    row = Invitation.objects.filter(pk=stored.pk).values().get()
    assert first.token not in str(row)


def test_the_invitation_email_is_queued_with_the_link(owner):
    invited = invitations.invite(actor=owner, email=" Grace@Example.ORG ", role="admin")
    assert invited.invitation.email == "grace@example.org"
    assert invited.emailed is True
    delivery = EmailDelivery.objects.get()
    assert delivery.to_email == "grace@example.org"
    assert delivery.kind == "invitation" and delivery.credential is None
    assert "Acme Academy" in delivery.subject
    link = f"http://127.0.0.1:8000/invitations/{invited.token}"
    assert link in delivery.body_text and f'href="{link}"' in delivery.body_html
    assert "Admin" in delivery.body_text and owner.user.email in delivery.body_text


def test_no_email_when_the_organization_switched_emails_off(org_factory, user_factory):
    from laurel.organizations.permissions import Actor

    quiet = org_factory("Quiet Co", emails_enabled=False)
    owner_user = Membership.objects.get(organization=quiet).user
    actor = Actor(organization=quiet, role="owner", user=owner_user)
    invited = invitations.invite(actor=actor, email="x@example.org", role="issuer")
    assert invited.emailed is False
    assert not EmailDelivery.objects.exists()
    assert Invitation.objects.get().email == "x@example.org"


def test_inviting_again_withdraws_the_earlier_link(owner, user_factory):
    first = invitations.invite(actor=owner, email="a@example.org", role="issuer")
    second = invitations.invite(actor=owner, email="A@example.org", role="admin")
    with pytest.raises(InvitationRevoked):
        invitations.invitation_for_token(first.token)
    assert invitations.invitation_for_token(second.token).role == "admin"
    assert [i.pk for i in invitations.pending_invitations(owner.organization)] == [
        second.invitation.pk
    ]


def test_inviting_is_audited(owner):
    invited = invitations.invite(actor=owner, email="a@example.org", role="issuer")
    event = AuditEvent.objects.get(action="member.invited")
    assert event.object_id == str(invited.invitation.pk)
    assert event.data == {"email": "a@example.org", "role": "issuer"}
    assert event.actor_user == owner.user


# --- accepting --------------------------------------------------------------------------


def test_the_invited_person_accepts_and_becomes_a_member_with_the_role(owner, user_factory):
    invited = invitations.invite(actor=owner, email="grace@example.org", role="admin")
    grace = user_factory("Grace@example.org")
    membership = invitations.accept_invitation(token=invited.token, user=grace)
    assert membership.role == "admin" and membership.organization == owner.organization
    stored = Invitation.objects.get(pk=invited.invitation.pk)
    assert stored.accepted_at is not None and stored.accepted_by == grace
    event = AuditEvent.objects.get(action="member.joined")
    assert event.actor_user == grace and event.data["role"] == "admin"


def _expire(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def _revoke(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())


def _use(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())


@pytest.mark.parametrize(
    "prepare, token_of, user_email, error",
    [
        (_expire, None, "grace@example.org", InvitationExpired),
        (_revoke, None, "grace@example.org", InvitationRevoked),
        (_use, None, "grace@example.org", InvitationUsed),
        (None, None, "someone.else@example.org", InvitationWrongUser),
        (
            None,
            lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
            None,
            InvitationInvalid,
        ),
        (None, lambda token: "", None, InvitationInvalid),
        (None, lambda token: "x" * 5000, None, InvitationInvalid),
        (None, lambda token: token + "\x00", None, InvitationInvalid),
    ],
)
def test_a_link_that_cannot_be_accepted_says_why_and_changes_nothing(
    owner, user_factory, prepare, token_of, user_email, error
):
    invited = invitations.invite(actor=owner, email="grace@example.org", role="issuer")
    if prepare:
        prepare(invited.invitation)
    user = user_factory(user_email or "grace@example.org")
    token = token_of(invited.token) if token_of else invited.token
    with pytest.raises(error):
        invitations.accept_invitation(token=token, user=user)
    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="member.joined").exists()


def test_expired_used_and_invalid_links_are_not_404_for_the_same_reason():
    assert InvitationInvalid.http_status == 404
    assert {InvitationExpired.http_status, InvitationUsed.http_status} == {410}
    assert InvitationWrongUser.http_status == 403


def test_a_link_works_once(owner, user_factory):
    invited = invitations.invite(actor=owner, email="grace@example.org", role="issuer")
    grace = user_factory("grace@example.org")
    invitations.accept_invitation(token=invited.token, user=grace)
    with pytest.raises(InvitationUsed):
        invitations.accept_invitation(token=invited.token, user=grace)
    assert Membership.objects.filter(user=grace).count() == 1


def test_accepting_when_already_a_member_keeps_the_membership(owner, issuer):
    invited = invitations.invite(actor=owner, email="late@example.org", role="admin")
    Invitation.objects.filter(pk=invited.invitation.pk).update(email=issuer.user.email.lower())
    membership = invitations.accept_invitation(token=invited.token, user=issuer.user)
    assert membership.role == "issuer"
    assert Membership.objects.filter(user=issuer.user).count() == 1


# --- withdrawing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, outcome",
    [("owner", None), ("admin", None), ("issuer", Forbidden), ("outsider", NotFound)],
)
def test_who_may_withdraw_an_invitation(actors, owner, who, outcome):
    invited = invitations.invite(actor=owner, email="a@example.org", role="issuer")
    if outcome is None:
        invitations.revoke_invitation(actor=actors[who], invitation_id=invited.invitation.pk)
        with pytest.raises(InvitationRevoked):
            invitations.invitation_for_token(invited.token)
        assert AuditEvent.objects.filter(action="invitation.revoked").count() == 1
    else:
        with pytest.raises(outcome):
            invitations.revoke_invitation(actor=actors[who], invitation_id=invited.invitation.pk)
        assert invitations.invitation_for_token(invited.token)


def test_an_accepted_invitation_cannot_be_withdrawn(owner, user_factory):
    invited = invitations.invite(actor=owner, email="grace@example.org", role="issuer")
    invitations.accept_invitation(token=invited.token, user=user_factory("grace@example.org"))
    with pytest.raises(Conflict, match="remove the member"):
        invitations.revoke_invitation(actor=owner, invitation_id=invited.invitation.pk)


def test_pending_invitations_leave_out_expired_used_and_withdrawn(owner, user_factory):
    made = {
        name: invitations.invite(actor=owner, email=f"{name}@example.org", role="issuer")
        for name in ("pending", "expired", "withdrawn", "used")
    }
    _expire(made["expired"].invitation)
    _revoke(made["withdrawn"].invitation)
    _use(made["used"].invitation)
    pending = invitations.pending_invitations(owner.organization)
    assert [i.email for i in pending] == ["pending@example.org"]


@pytest.mark.django_db(transaction=True)
def test_the_invitation_email_arrives_through_smtp_with_the_link(owner):
    from django.test import override_settings

    from tests.helpers.smtp import smtp_server, smtp_settings
    from tests.helpers.tasks import run_pending_tasks

    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        invited = invitations.invite(actor=owner, email="grace@example.org", role="issuer")
        assert inbox.messages == []  # queued with the invitation, sent by the worker
        run_pending_tasks()
    assert len(inbox.messages) == 1
    received = inbox.messages[0]
    assert received.envelope_to == ["grace@example.org"]
    assert "Acme Academy" in received.subject
    link = f"http://127.0.0.1:8000/invitations/{invited.token}"
    assert link in received.body("plain") and f'href="{link}"' in received.body("html")
    assert EmailDelivery.objects.get().status == "sent"
