"""Row locks in one order (laurel.credentials.services): the organization, then
credentials, then status lists. A renewal holds the organization and a status-list slot
when it locks the credential it supersedes; a revoke or a correction's re-issue of that
same credential, racing it, waits at the organization instead of holding the credential,
so PostgreSQL never has to abort one of them as a deadlock."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from laurel.credentials.issue_reads import lock_for_issuing
from laurel.credentials.models import Credential
from laurel.credentials.services import issue, revoke
from laurel.credentials.status_lists import allocate_slots
from laurel.ops.accounts import mark_email_verified
from laurel.organizations.errors import InvalidStatus
from laurel.recipients.services import request_correction, resolve_correction
from tests.domain.test_concurrent_issue import run_in_threads
from tests.helpers.locks import wait_for_a_lock_wait

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and deadlocks between two writers (SQLite lets one writer at a time)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _renewal_racing(owner, group, old: Credential, other):
    """A renewal of `old`'s recipient that has taken the organization's lock and a status
    list slot (the issue path's order) when `other` starts; it goes on once `other` waits
    for a lock. Returns (the renewal's outcome, `other`'s)."""
    held = threading.Event()

    def work(i: int):
        if i == 0:
            with transaction.atomic():
                lock_for_issuing(owner.organization)
                allocate_slots(owner.organization, 1)  # the status list, locked till commit
                held.set()
                wait_for_a_lock_wait()
                return issue(
                    actor=owner,
                    group_key=group.key,
                    recipient_name=old.recipient_name,
                    recipient_email=old.recipient_email,
                )
        assert held.wait(30)
        return other()

    return run_in_threads(2, work)


def test_a_revoke_racing_a_renewal_of_its_credential_waits_for_it(owner, yearly_group):
    old = issue(
        actor=owner, group_key=yearly_group.key, recipient_name="Ada", recipient_email="a@x.org"
    )
    renewal, revoked = _renewal_racing(
        owner,
        yearly_group,
        old,
        lambda: revoke(actor=owner, credential_id=old.pk, reason="Awarded in error"),
    )
    assert not isinstance(renewal, DatabaseError), renewal  # a deadlock aborts one
    assert not isinstance(revoked, DatabaseError), revoked
    assert isinstance(renewal, Credential) and renewal.supersedes_id == old.pk
    # The revoke came second: the credential it asked for was superseded meanwhile.
    assert isinstance(revoked, InvalidStatus), revoked
    old.refresh_from_db()
    assert (old.status, old.revocation_reason) == (Credential.Status.REVOKED, "superseded")


def test_a_correction_resolved_while_its_credential_is_renewed_waits_for_it(
    owner, yearly_group, user_factory
):
    old = issue(
        actor=owner,
        group_key=yearly_group.key,
        recipient_name="Ada Lovelcae",
        recipient_email="ada@example.org",
    )
    recipient = user_factory("ada@example.org")
    mark_email_verified(recipient)
    correction = request_correction(
        user=recipient, credential_id=old.pk, recipient_name="Ada Lovelace"
    )
    renewal, resolved = _renewal_racing(
        owner,
        yearly_group,
        old,
        lambda: resolve_correction(
            actor=owner, correction_id=correction.pk, recipient_name="Ada Lovelace"
        ),
    )
    assert not isinstance(renewal, DatabaseError), renewal
    assert not isinstance(resolved, DatabaseError), resolved
    assert isinstance(renewal, Credential) and renewal.supersedes_id == old.pk
    assert isinstance(resolved, InvalidStatus), resolved  # no longer published: nothing twice
    assert Credential.objects.filter(supersedes=old).count() == 1
    correction.refresh_from_db()
    assert correction.status == correction.Status.OPEN  # the issuer can decline it now
