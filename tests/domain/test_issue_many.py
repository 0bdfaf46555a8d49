"""issue_many gives each row what issue() gives it, for every state of the recipient check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from laurel.credentials.batch import IssueRow, issue_many
from laurel.credentials.models import Credential
from laurel.credentials.services import issue, revoke
from laurel.organizations.errors import DomainError

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def _outcome(result):
    if isinstance(result, DomainError):
        return ("refused", result.code)
    old = Credential.objects.filter(pk=result.supersedes_id).first()
    return ("issued", result.status, result.supersedes_id, old.status if old else None)


def _prepare(state, owner, group):
    email = f"{state}@example.org"
    if state == "expired":
        issue(
            actor=owner,
            group_key=group.key,
            recipient_name="A",
            recipient_email=email,
            issued_on=timezone.now() - timedelta(days=10),
            valid_until=timezone.now() - timedelta(days=1),
        )
    elif state == "active_time_bound":
        issue(
            actor=owner,
            group_key=group.key,
            recipient_name="A",
            recipient_email=email,
            valid_until=timezone.now() + timedelta(days=30),
        )
    elif state == "active_non_expiring":
        issue(actor=owner, group_key=group.key, recipient_name="A", recipient_email=email)
    elif state == "revoked":
        old = issue(actor=owner, group_key=group.key, recipient_name="A", recipient_email=email)
        revoke(actor=owner, credential_id=old.id)
    elif state == "draft_pending":
        issue(
            actor=owner, group_key=group.key, recipient_name="A", recipient_email=email, draft=True
        )
    return email


@pytest.mark.parametrize("draft", [False, True])
@pytest.mark.parametrize(
    "state",
    ["new", "expired", "active_time_bound", "active_non_expiring", "revoked", "draft_pending"],
)
def test_issue_many_matches_issue_row_by_row(owner, never_group, state, draft):
    email = _prepare(state, owner, never_group)
    try:
        with transaction.atomic():
            try:
                single = issue(
                    actor=owner,
                    group_key=never_group.key,
                    recipient_name="B",
                    recipient_email=email,
                    draft=draft,
                )
            except DomainError as error:
                single = error
            expected = _outcome(single)
            raise Rollback
    except Rollback:
        pass
    [batched] = issue_many(
        actor=owner, group_key=never_group.key, rows=[IssueRow("B", email)], draft=draft
    )
    assert _outcome(batched) == expected


def test_a_refused_row_leaves_nothing_and_the_others_are_issued(owner, never_group):
    rows = [
        IssueRow("A", "a@example.org"),
        IssueRow("", "b@example.org"),
        IssueRow("C", "c@example.org"),
    ]
    outcomes = issue_many(actor=owner, group_key=never_group.key, rows=rows)
    assert [isinstance(o, DomainError) for o in outcomes] == [False, True, False]
    assert Credential.objects.count() == 2
