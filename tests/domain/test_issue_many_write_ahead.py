"""issue_many writing a signed-ahead batch before the organization's lock (`write_ahead`,
the default on PostgreSQL): the same outcomes and the same rows as the locked path, and,
when a decision made without the lock no longer stands once it is held, nothing of what
was written ahead left behind."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laurel.credentials.batch import IssueRow, issue_many
from laurel.credentials.models import Credential
from laurel.credentials.services import issue, revoke
from laurel.credentials.status_lists import reserve_slots, reserved_slots
from laurel.mail.models import EmailDelivery
from laurel.organizations.errors import DomainError
from laurel.organizations.models import AuditEvent, Organization, QuotaUsage
from tests.domain.test_concurrent_issue import run_in_threads
from tests.helpers.locks import wait_for_a_lock_wait

PRIOR_READ = re.compile(r"SELECT (c\.)?recipient_email_normalized, (c\.)?id, (c\.)?status")


def _prior_reads(captured) -> int:
    """How many times the recipients' earlier credentials were read: once by the locked
    path, twice written ahead (without the lock, then under it)."""
    return sum(1 for query in captured.captured_queries if PRIOR_READ.search(query["sql"]))


def _slots(organization, count):
    return reserved_slots(organization, reserve_slots(organization, count), skip=0, take=count)


def _batch(actor, group, rows, *, write_ahead):
    return issue_many(
        actor=actor,
        group_key=group.key,
        rows=rows,
        slots=_slots(actor.organization, len(rows)),
        write_ahead=write_ahead,
    )


def _what_it_did(organization, outcomes, since) -> dict:
    """The batch's effects, free of the ids and times that differ between two runs."""
    issued = [o for o in outcomes if isinstance(o, Credential)]
    by_id = {o.pk: n for n, o in enumerate(outcomes) if isinstance(o, Credential)}
    events = AuditEvent.objects.filter(organization=organization, id__gt=since).order_by("id")
    return {
        "outcomes": [
            (o.code, str(o))
            if isinstance(o, DomainError)
            else ("issued", by_id.get(o.supersedes_id, o.supersedes_id))
            for o in outcomes
        ],
        "stored": sorted(
            (by_id[c.pk], c.status, by_id.get(c.supersedes_id, c.supersedes_id))
            for c in Credential.objects.filter(pk__in=[o.pk for o in issued])
        ),
        "revoked": sorted(
            Credential.objects.filter(organization=organization, status="revoked")
            .exclude(pk__in=[o.pk for o in issued])
            .values_list("pk", flat=True)
        ),
        "events": [
            (e.action, by_id.get(e.object_id, e.object_id), e.data.get("state")) for e in events
        ],
        "emails": sorted(
            by_id[pk]
            for pk in EmailDelivery.objects.filter(credential__in=issued).values_list(
                "credential_id", flat=True
            )
        ),
        "counted": QuotaUsage.objects.filter(organization=organization).count(),
    }


@pytest.mark.django_db
def test_written_ahead_of_the_lock_a_batch_does_what_the_locked_path_does(owner, yearly_group):
    acme = owner.organization
    active = issue(
        actor=owner,
        group_key=yearly_group.key,
        recipient_name="A",
        recipient_email="r0@example.org",
    )
    expired = issue(
        actor=owner,
        group_key=yearly_group.key,
        recipient_name="E",
        recipient_email="r1@example.org",
        issued_on=timezone.now() - timedelta(days=400),
        valid_until=timezone.now() - timedelta(days=35),
    )
    revoke(
        actor=owner,
        credential_id=issue(
            actor=owner,
            group_key=yearly_group.key,
            recipient_name="R",
            recipient_email="r2@example.org",
        ).pk,
        reason="test",
    )
    Organization.objects.filter(pk=acme.pk).update(monthly_quota_override=5)
    owner.organization.refresh_from_db()
    rows = [
        IssueRow("Renews an active one", "R0@example.org"),
        IssueRow("Renews an expired one", "r1@example.org"),
        IssueRow("After a revoked one", "r2@example.org"),
        IssueRow("New", "r3@example.org"),
        IssueRow("", "nameless@example.org"),
        IssueRow("Twice", "r3@example.org"),
        IssueRow("Over the quota", "r4@example.org"),
        IssueRow("Also over", "r5@example.org"),
    ]
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    effects, reads = {}, {}
    for write_ahead in (False, True):
        try:
            with transaction.atomic():
                with CaptureQueriesContext(connection) as captured:
                    outcomes = _batch(owner, yearly_group, rows, write_ahead=write_ahead)
                effects[write_ahead] = _what_it_did(acme, outcomes, since)
                reads[write_ahead] = _prior_reads(captured)
                raise _Undo()
        except _Undo:
            pass
    assert effects[True] == effects[False]
    assert reads == {False: 1, True: 2}  # each path ran as it says, none fell back
    done = effects[True]
    # What the rules say, so that the two agreeing is not two paths refusing everything:
    assert [code for code, _ in done["outcomes"]] == [
        "issued",
        "issued",
        "issued",
        "issued",
        "missing_recipient",
        "issued",
        "issued",
        "quota_exceeded",
    ]
    assert done["outcomes"][0] == ("issued", active.pk)
    assert done["outcomes"][1] == ("issued", expired.pk)
    assert active.pk in done["revoked"] and expired.pk not in done["revoked"]
    assert done["events"][0] == ("credential.revoked", active.pk, None)
    # r3 twice: the second renews the first, which is stored revoked
    assert (3, "revoked", None) in done["stored"]
    assert done["outcomes"][5] == ("issued", 3)


class _Undo(Exception):
    pass


def _while_the_batch_waits(owner, group, rows, change, *, undone=True) -> list:
    """Hold the organization's lock, let the batch (written ahead) queue behind it, make
    `change` and commit; the batch's outcomes (`undone`: what it wrote ahead must have
    been undone and the batch done again under the lock; else kept)."""
    from laurel.credentials.issue_reads import lock_for_issuing

    def work(i: int):
        if i == 0:
            with transaction.atomic():
                lock_for_issuing(owner.organization)
                wait_for_a_lock_wait()
                change()
            return "changed"
        time.sleep(0.2)  # after the holder took the lock
        slots = _slots(owner.organization, len(rows))
        with CaptureQueriesContext(connection) as captured:
            outcomes = issue_many(
                actor=owner, group_key=group.key, rows=rows, slots=slots, write_ahead=True
            )
        locks = [q for q in captured.captured_queries if q["sql"].endswith("FOR NO KEY UPDATE")]
        return outcomes, len(locks)

    changed, (outcomes, locks) = run_in_threads(2, work)
    assert changed == "changed", changed
    # written ahead and kept: the lock taken once; undone (which gives the lock back) and
    # done again under the lock: twice
    assert locks == (2 if undone else 1), locks
    return outcomes


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a batch waiting at the organization's row lock while another commits "
    "(SQLite's IMMEDIATE transactions let no second writer begin)",
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_issue_committed_while_the_batch_waits_is_seen_and_nothing_is_doubled(
    owner, never_group
):
    rows = [IssueRow(f"Person {n}", f"p{n}@example.org") for n in range(4)]

    def change():
        issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name="First",
            recipient_email="p2@example.org",
        )

    outcomes = _while_the_batch_waits(owner, never_group, rows, change)
    codes = [o.code if isinstance(o, DomainError) else "issued" for o in outcomes]
    assert codes == ["issued", "issued", "credential_exists", "issued"]
    for n in range(4):
        assert (
            Credential.objects.filter(recipient_email_normalized=f"p{n}@example.org").count() == 1
        )
    issued = [o.pk for o in outcomes if isinstance(o, Credential)]
    assert sorted(
        AuditEvent.objects.filter(action="credential.issued", object_id__in=issued).values_list(
            "object_id", flat=True
        )
    ) == sorted(issued)
    assert EmailDelivery.objects.filter(organization=owner.organization).count() == 4
    assert QuotaUsage.objects.filter(organization=owner.organization).count() == 4


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_renewal_whose_credential_is_revoked_while_the_batch_waits_revokes_nothing_twice(
    owner, yearly_group
):
    old = issue(
        actor=owner,
        group_key=yearly_group.key,
        recipient_name="Old",
        recipient_email="q0@example.org",
    )
    rows = [IssueRow("Renewing", "q0@example.org"), IssueRow("New", "q1@example.org")]

    def change():
        revoke(actor=owner, credential_id=old.pk, reason="withdrawn")

    first, second = _while_the_batch_waits(owner, yearly_group, rows, change)
    assert isinstance(first, Credential) and isinstance(second, Credential), (first, second)
    old.refresh_from_db()
    assert (old.status, old.revocation_reason) == ("revoked", "withdrawn")
    # Issued after a revoked one (what the check under the lock saw), not as its
    # replacement (what it saw without the lock): the lineage kept, nothing revoked by it
    assert first.supersedes_id == old.pk
    issued_as = AuditEvent.objects.get(action="credential.issued", object_id=first.pk).data
    assert issued_as["state"] == "revoked"
    revoked_events = AuditEvent.objects.filter(action="credential.revoked", object_id=old.pk)
    assert revoked_events.count() == 1
    assert Credential.objects.filter(recipient_email_normalized="q0@example.org").count() == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("room", [True, False])
def test_the_quota_counted_while_the_batch_waits_is_the_one_it_is_held_to(owner, never_group, room):
    """Another recipient counted meanwhile: the batch stands if the month still has room
    for all it counted; else it is decided again and its last row refused."""
    acme = owner.organization
    Organization.objects.filter(pk=acme.pk).update(monthly_quota_override=3 if room else 2)
    owner.organization.refresh_from_db()
    rows = [IssueRow("One", "m1@example.org"), IssueRow("Two", "m2@example.org")]

    def change():
        issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name="Meanwhile",
            recipient_email="m0@example.org",
        )

    outcomes = _while_the_batch_waits(owner, never_group, rows, change, undone=not room)
    codes = [o.code if isinstance(o, DomainError) else "issued" for o in outcomes]
    assert codes == (["issued", "issued"] if room else ["issued", "quota_exceeded"])
    assert QuotaUsage.objects.filter(organization=acme).count() == (3 if room else 2)


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("emails_before", [True, False])
def test_emails_switched_while_the_batch_waits_follow_the_switch(owner, never_group, emails_before):
    """The emails written ahead follow the organization's switch as it was read without
    the lock; switched meanwhile, the batch is done again with the switch as it is."""
    from laurel.organizations.services import update_organization_settings

    acme = owner.organization
    Organization.objects.filter(pk=acme.pk).update(emails_enabled=emails_before)
    owner.organization.refresh_from_db()
    rows = [IssueRow("One", "e1@example.org"), IssueRow("Two", "e2@example.org")]

    def change():
        update_organization_settings(actor=owner, emails_enabled=not emails_before)

    outcomes = _while_the_batch_waits(owner, never_group, rows, change)
    assert all(isinstance(o, Credential) for o in outcomes), outcomes
    queued = EmailDelivery.objects.filter(credential__in=[o.pk for o in outcomes]).count()
    assert queued == (0 if emails_before else 2)
