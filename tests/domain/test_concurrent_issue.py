"""Concurrent issues, on real connections (one per thread), on SQLite and PostgreSQL.

The issue service locks the organization row (SELECT ... FOR NO KEY UPDATE on
PostgreSQL; SQLite's IMMEDIATE transactions serialize writers), so the recipient check and
the quota count are never read by two issues at once.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from laurel.credentials.models import Credential, StatusList
from laurel.credentials.services import issue
from laurel.organizations.errors import CredentialExists, QuotaExceeded
from laurel.organizations.models import QuotaUsage
from laurel.vc.status_list import scattered_index

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(count: int, work) -> list:
    """Run work(i) in `count` threads released together; each returns a value or an error."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[i] = work(i)
        except Exception as exc:  # collected and asserted on by the test
            outcomes[i] = exc
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_eight_simultaneous_issues_to_one_email_leave_exactly_one_active(owner, never_group):
    outcomes = run_in_threads(
        8,
        lambda i: issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name=f"Ada {i}",
            recipient_email="  Ada@Example.org ",
        ),
    )
    issued = [o for o in outcomes if isinstance(o, Credential)]
    refused = [o for o in outcomes if isinstance(o, CredentialExists)]
    assert len(issued) == 1, outcomes
    assert len(refused) == 7, outcomes
    stored = Credential.objects.filter(
        group=never_group, recipient_email_normalized="ada@example.org"
    )
    assert stored.count() == 1
    assert stored.get().status == Credential.Status.PUBLISHED


def test_simultaneous_renewals_of_a_time_bound_credential_leave_one_active(owner, yearly_group):
    first = issue(
        actor=owner,
        group_key=yearly_group.key,
        recipient_name="Bo",
        recipient_email="bo@example.org",
    )
    outcomes = run_in_threads(
        6,
        lambda i: issue(
            actor=owner,
            group_key=yearly_group.key,
            recipient_name="Bo",
            recipient_email="bo@example.org",
        ),
    )
    assert all(isinstance(o, Credential) for o in outcomes), outcomes
    stored = Credential.objects.filter(
        group=yearly_group, recipient_email_normalized="bo@example.org"
    )
    assert stored.count() == 7
    assert stored.filter(status=Credential.Status.PUBLISHED).count() == 1
    # Each renewal superseded the one before it: one chain, no branch.
    supersedes = list(stored.exclude(pk=first.pk).values_list("supersedes_id", flat=True))
    assert len(set(supersedes)) == 6
    assert first.pk in supersedes


def test_twenty_parallel_issues_under_a_quota_of_five_issue_exactly_five(
    org_factory, group_factory
):
    organization = org_factory("Tight Quota School", monthly_quota=5)
    group = group_factory(organization)
    from laurel.organizations.permissions import Actor

    actor = Actor.system(organization)
    outcomes = run_in_threads(
        20,
        lambda i: issue(
            actor=actor,
            group_key=group.key,
            recipient_name=f"Student {i}",
            recipient_email=f"student{i}@example.org",
        ),
    )
    issued = [o for o in outcomes if isinstance(o, Credential)]
    refused = [o for o in outcomes if isinstance(o, QuotaExceeded)]
    assert len(issued) == 5, outcomes
    assert len(refused) == 15, outcomes
    assert Credential.objects.filter(organization=organization).count() == 5
    assert QuotaUsage.objects.filter(organization=organization).count() == 5


def test_parallel_publishes_take_distinct_status_list_slots(owner, never_group):
    drafts = [
        issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name=f"P {i}",
            recipient_email=f"p{i}@example.org",
            draft=True,
        )
        for i in range(6)
    ]
    from laurel.credentials.services import publish

    outcomes = run_in_threads(6, lambda i: publish(actor=owner, credential_id=drafts[i].id))
    assert all(isinstance(o, Credential) for o in outcomes), outcomes
    slots = list(
        Credential.objects.filter(pk__in=[d.id for d in drafts]).values_list(
            "status_list_id", "status_list_index"
        )
    )
    assert len(set(slots)) == 6
    (status_list,) = StatusList.objects.filter(organization=owner.organization)
    assert status_list.next_index == 6  # six slots counted, none lost, none twice
    assert sorted(index for _, index in slots) == sorted(
        scattered_index(n, length=status_list.length, key=status_list.index_key.encode())
        for n in range(6)
    )


def test_an_issue_waiting_on_a_key_rotation_signs_with_the_new_key(owner, never_group):
    """The issue waits for the organization lock the rotation holds; once it has the lock it
    must see the rotation's new key, not the one that was active when it started waiting."""
    from django.db import transaction

    from laurel.organizations.models import SigningKey
    from laurel.organizations.selectors import lock_organization
    from laurel.organizations.signing_keys import rotate_signing_key

    locked = threading.Event()

    def work(i: int):
        if i == 0:  # the rotation: takes the lock, lets the issue queue behind it, rotates
            with transaction.atomic():
                lock_organization(owner.organization)
                locked.set()
                threading.Event().wait(0.5)
                return rotate_signing_key(actor=owner)
        locked.wait(timeout=30)
        return issue(
            actor=owner, group_key=never_group.key, recipient_name="Ada", recipient_email="a@x.org"
        )

    new_key, credential = run_in_threads(2, work)
    assert isinstance(new_key, SigningKey) and isinstance(credential, Credential), (
        new_key,
        credential,
    )
    (proof,) = credential.document["proof"]
    method = proof["verificationMethod"]
    assert method.endswith(f"#{new_key.key_id}"), (method, new_key.key_id)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")
def test_the_issuing_lock_excludes_issuers_but_not_writes_that_only_refer_to_the_organization(
    owner,
):
    """While one issuer holds the organization's lock, a transaction that writes a row
    referring to the organization commits at once (its foreign-key check takes FOR KEY
    SHARE, at COMMIT), and another issuer waits for the lock."""
    import time

    from django.db import transaction

    from laurel.credentials.issue_reads import lock_for_issuing
    from laurel.organizations import audit

    held, release = threading.Event(), threading.Event()
    finished: dict[str, float] = {}

    def work(i: int):
        if i == 0:  # the issuer holding the lock
            with transaction.atomic():
                lock_for_issuing(owner.organization)
                held.set()
                release.wait(timeout=30)
                finished["holder"] = time.monotonic()
            return "held"
        held.wait(timeout=30)
        if i == 1:  # a write that only refers to the organization
            with transaction.atomic():
                audit.record(owner, "thing.noted")
            finished["referring write"] = time.monotonic()
            release.set()
            return "written"
        time.sleep(0.3)  # another issuer, after the write
        with transaction.atomic():
            lock_for_issuing(owner.organization)
            finished["second issuer"] = time.monotonic()
        return "locked"

    release_anyway = threading.Timer(10, release.set)  # the test fails, it does not hang
    release_anyway.start()
    try:
        outcomes = run_in_threads(3, work)
    finally:
        release_anyway.cancel()
    assert outcomes == ["held", "written", "locked"], outcomes
    assert finished["referring write"] < finished["holder"] < finished["second issuer"]
