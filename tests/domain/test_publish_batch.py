"""Publishing many drafts together: in the request for a few, by a resumable task for more."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laurel.credentials import publishing
from laurel.credentials.models import Credential, PublishBatch
from laurel.credentials.services import issue, publish, revoke
from laurel.organizations.errors import NotFound, OrganizationNotApproved, ValidationError
from laurel.organizations.models import AuditEvent, Membership
from laurel.organizations.services import suspend_organization
from tests.helpers.tasks import run_pending_tasks


def make_drafts(actor, group, count, *, prefix="person"):
    return [
        issue(
            actor=actor,
            group_key=group.key,
            recipient_name=f"{prefix.title()} {n}",
            recipient_email=f"{prefix}{n}@example.org",
            draft=True,
        )
        for n in range(count)
    ]


def statuses(credentials):
    return [Credential.objects.get(pk=c.pk).status for c in credentials]


def published_events(credential_id):
    return AuditEvent.objects.filter(action="credential.published", object_id=credential_id).count()


def test_a_few_drafts_are_published_in_the_request(owner, never_group):
    chosen = make_drafts(owner, never_group, 3)
    batch = publishing.publish_selected(actor=owner, credential_ids=[c.id for c in chosen])
    assert (batch.status, batch.total, batch.published, batch.failed) == ("completed", 3, 3, 0)
    assert statuses(chosen) == ["published"] * 3
    assert not DBTaskResult.objects.filter(task_path__endswith="publish_batch_task").exists()


@pytest.mark.django_db(transaction=True)
def test_many_drafts_go_to_the_task_which_publishes_exactly_those(owner, never_group):
    chosen = make_drafts(owner, never_group, 8)
    left_alone = make_drafts(owner, never_group, 2, prefix="other")
    batch = publishing.publish_selected(actor=owner, credential_ids=[c.id for c in chosen])
    assert (batch.status, batch.total, batch.position) == ("pending", 8, 0)
    assert statuses(chosen) == ["draft"] * 8

    run_pending_tasks()

    batch.refresh_from_db()
    assert (batch.status, batch.published, batch.skipped, batch.failed) == ("completed", 8, 0, 0)
    assert batch.position == 8 and batch.finished_at is not None
    assert statuses(chosen) == ["published"] * 8
    assert statuses(left_alone) == ["draft"] * 2
    assert all(Credential.objects.get(pk=c.pk).document["proof"] for c in chosen)


def test_a_non_draft_in_the_selection_is_reported_with_its_reason(owner, never_group, globex):
    drafts = make_drafts(owner, never_group, 3)
    publish(actor=owner, credential_id=drafts[1].id)  # published meanwhile by someone else
    revoked = make_drafts(owner, never_group, 1, prefix="gone")[0]
    publish(actor=owner, credential_id=revoked.id)
    revoke(actor=owner, credential_id=revoked.id, reason="Mistake")
    ids = [drafts[0].id, drafts[1].id, revoked.id, "no-such-credential", drafts[2].id]

    batch = publishing.publish_selected(actor=owner, credential_ids=ids)

    assert (batch.published, batch.skipped, batch.failed) == (2, 1, 2)
    assert batch.failures == [
        {
            "id": revoked.id,
            "recipient_name": "Gone 0",
            "reason": "Only drafts can be published; this credential is revoked.",
        },
        {"id": "no-such-credential", "recipient_name": "", "reason": publishing.MISSING},
    ]
    assert published_events(drafts[1].id) == 1  # counted, not published twice


def test_another_organizations_draft_is_reported_missing_and_left_alone(
    owner, outsider, group_factory
):
    theirs = make_drafts(outsider, group_factory(outsider.organization), 1)[0]
    batch = publishing.publish_selected(actor=owner, credential_ids=[theirs.id])
    assert batch.failures[0]["reason"] == publishing.MISSING
    assert batch.failures[0]["recipient_name"] == ""  # nothing about it is told
    assert statuses([theirs]) == ["draft"]


@pytest.mark.django_db(transaction=True)
def test_a_batch_stopped_halfway_continues_where_it_stopped(owner, never_group):
    chosen = make_drafts(owner, never_group, 7)
    batch = publishing.publish_selected(actor=owner, credential_ids=[c.id for c in chosen])
    # A worker takes three steps, then dies (its task is never marked done).
    for _ in range(3):
        assert publishing.publish_next(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.position, batch.published) == ("processing", 3, 3)
    assert statuses(chosen) == ["published"] * 3 + ["draft"] * 4

    run_pending_tasks()  # the queued task runs now, after the crash
    publishing.publish_batch(batch_id=batch.pk)  # and once more, for good measure

    batch.refresh_from_db()
    assert (batch.status, batch.position, batch.published, batch.failed) == ("completed", 7, 7, 0)
    assert [published_events(c.id) for c in chosen] == [1] * 7


def test_a_batch_of_a_suspended_organization_is_refused_before_it_starts(owner, never_group):
    drafts = make_drafts(owner, never_group, 2)
    suspend_organization(organization=owner.organization)
    with pytest.raises(OrganizationNotApproved):
        publishing.publish_selected(actor=owner, credential_ids=[d.id for d in drafts])
    assert not PublishBatch.objects.exists()
    assert statuses(drafts) == ["draft"] * 2


@pytest.mark.parametrize("ids", [[], ["", None], "not-a-list"])
def test_a_selection_of_nothing_is_refused(owner, ids):
    with pytest.raises(ValidationError) as refused:
        publishing.publish_selected(actor=owner, credential_ids=ids)
    assert refused.value.field == "credential_ids"
    assert not PublishBatch.objects.exists()


def test_the_same_draft_chosen_twice_is_published_once(owner, never_group):
    draft = make_drafts(owner, never_group, 1)[0]
    batch = publishing.publish_selected(actor=owner, credential_ids=[draft.id, draft.id])
    assert (batch.total, batch.published) == (1, 1)


def test_drafts_left_by_someone_who_left_the_organization_fail_saying_so(
    owner, issuer, never_group
):
    chosen = make_drafts(owner, never_group, 6)
    batch = publishing.publish_selected(actor=issuer, credential_ids=[c.id for c in chosen])
    publishing.publish_next(batch_id=batch.pk)
    Membership.objects.filter(user=issuer.user).delete()
    batch = publishing.publish_batch(batch_id=batch.pk)
    assert (batch.published, batch.failed) == (1, 5)
    assert {failure["reason"] for failure in batch.failures} == {publishing.NOT_A_MEMBER}


def test_every_role_may_publish_a_batch(actors, never_group):
    for who in ("owner", "admin", "issuer"):
        draft = make_drafts(actors[who], never_group, 1, prefix=who)[0]
        batch = publishing.publish_selected(actor=actors[who], credential_ids=[draft.id])
        assert batch.published == 1, who


def test_publish_all_drafts_takes_every_draft_matching_the_search(owner, never_group):
    make_drafts(owner, never_group, 2, prefix="ada")
    others = make_drafts(owner, never_group, 2, prefix="bob")
    batch = publishing.publish_all_drafts(actor=owner, search="ADA")
    assert batch.published == 2
    assert statuses(others) == ["draft"] * 2


def test_another_organizations_batch_is_not_found(owner, outsider, never_group):
    draft = make_drafts(owner, never_group, 1)[0]
    batch = publishing.publish_selected(actor=owner, credential_ids=[draft.id])
    with pytest.raises(NotFound):
        publishing.get_batch(outsider.organization, batch_id=batch.pk)
    with pytest.raises(NotFound):
        publishing.get_batch(owner.organization, batch_id="nope")


@pytest.mark.django_db(transaction=True)
def test_a_silent_batch_is_stalled_and_queued_again(owner, never_group):
    chosen = make_drafts(owner, never_group, 6)
    batch = publishing.publish_selected(actor=owner, credential_ids=[c.id for c in chosen])
    later = timezone.now() + publishing.STALLED_AFTER + timedelta(seconds=1)
    assert not publishing.is_stalled(batch)
    assert publishing.is_stalled(batch, now=later)
    DBTaskResult.objects.all().delete()  # the worker that had it is gone, its task with it
    assert publishing.resume_stalled_batches(now=later) == 1
    run_pending_tasks()
    batch.refresh_from_db()
    assert (batch.status, batch.published) == ("completed", 6)
    assert not publishing.is_stalled(batch, now=later)


def test_drafts_are_paged_by_keyset_both_ways_and_searched(owner, never_group):
    made = make_drafts(owner, never_group, 7)
    newest_first = [c.id for c in reversed(made)]
    org = owner.organization
    first = publishing.draft_page(org, size=3)
    assert [c.id for c in first.drafts] == newest_first[:3]
    assert first.previous_cursor is None and first.next_cursor
    second = publishing.draft_page(org, size=3, after=first.next_cursor)
    third = publishing.draft_page(org, size=3, after=second.next_cursor)
    assert [c.id for c in second.drafts] == newest_first[3:6]
    assert [c.id for c in third.drafts] == newest_first[6:]
    assert third.next_cursor is None
    back = publishing.draft_page(org, size=3, before=third.previous_cursor)
    assert [c.id for c in back.drafts] == newest_first[3:6]
    assert back.previous_cursor and back.next_cursor
    assert [c.id for c in publishing.draft_page(org, after="garbage~x~y").drafts][:1] == [
        newest_first[0]
    ]
    found = publishing.draft_page(org, search="PERSON3@EXAMPLE").drafts
    assert [c.recipient_name for c in found] == ["Person 3"]
    assert [c.recipient_name for c in publishing.draft_page(org, search="son 5").drafts] == [
        "Person 5"
    ]


def test_preview_dates_follow_the_groups_policy_from_today(owner, yearly_group):
    draft = make_drafts(owner, yearly_group, 1)[0]
    now = timezone.now() + timedelta(days=3)
    issued_on, valid_until = publishing.preview_dates(draft, now=now)
    assert issued_on == now
    assert valid_until.year == now.year + 1
