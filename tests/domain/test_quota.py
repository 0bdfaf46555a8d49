"""The monthly quota: unique recipient emails per organization per calendar month (UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.test import override_settings

from laurel.credentials.services import issue, revoke
from laurel.organizations import rules
from laurel.organizations.errors import QuotaExceeded
from laurel.organizations.models import QuotaUsage
from laurel.organizations.permissions import Actor
from laurel.organizations.selectors import quota_status, recipients_counted
from laurel.organizations.services import set_plan

JAN_31_LATE = datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)
FEB_1_EARLY = datetime(2026, 2, 1, 0, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "moment, month",
    [
        (JAN_31_LATE, date(2026, 1, 1)),
        (FEB_1_EARLY, date(2026, 2, 1)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), date(2026, 12, 1)),
        # 00:30 on 1 March in UTC+2 is still February in UTC.
        (datetime(2026, 3, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))), date(2026, 2, 1)),
    ],
)
def test_quota_months_are_utc_calendar_months(moment, month):
    assert rules.quota_month(moment) == month


@pytest.mark.parametrize(
    "plan, override, limit",
    [
        ("free", None, 1000),
        ("professional", None, 1000),
        ("enterprise", None, 5000),
        ("free", 25, 25),
        ("enterprise", 0, 0),
    ],
)
def test_the_limit_is_the_plans_unless_staff_override_it(plan, override, limit):
    quotas = {"free": 1000, "professional": 1000, "enterprise": 5000}
    assert rules.monthly_quota(plan=plan, override=override, plan_quotas=quotas) == limit


@pytest.mark.parametrize(
    "already, used, limit, allowed",
    [
        (False, 0, 1, True),
        (False, 1, 1, False),
        (True, 1, 1, True),
        (True, 5, 1, True),
        (False, 0, 0, False),
    ],
)
def test_a_recipient_already_counted_this_month_costs_nothing(already, used, limit, allowed):
    assert rules.quota_allows(already_counted=already, used=used, limit=limit) is allowed


@pytest.fixture
def small(org_factory, group_factory):
    organization = org_factory("Small School", plan="free", monthly_quota=2)
    return (
        Actor.system(organization),
        group_factory(organization, allow_duplicates=True),
        group_factory(organization),
    )


def give(actor, group, email, now):
    return issue(
        actor=actor, group_key=group.key, recipient_name="R", recipient_email=email, now=now
    )


def test_reissuing_to_the_same_email_counts_it_once(small):
    actor, group, other_group = small
    give(actor, group, "a@example.org", JAN_31_LATE)
    give(actor, group, "A@example.org ", JAN_31_LATE)  # duplicate allowed: same recipient
    give(actor, other_group, "a@example.org", JAN_31_LATE)
    status = quota_status(actor.organization, now=JAN_31_LATE)
    assert (status.used, status.limit, status.left) == (1, 2, 1)
    assert QuotaUsage.objects.filter(organization=actor.organization).count() == 1


def test_a_full_month_refuses_new_recipients_but_not_counted_ones(small):
    actor, group, _ = small
    give(actor, group, "a@example.org", JAN_31_LATE)
    give(actor, group, "b@example.org", JAN_31_LATE)
    with pytest.raises(QuotaExceeded):
        give(actor, group, "c@example.org", JAN_31_LATE)
    give(actor, group, "a@example.org", JAN_31_LATE)  # already counted in January
    assert quota_status(actor.organization, now=JAN_31_LATE).left == 0


def test_a_new_month_starts_from_zero(small):
    actor, group, _ = small
    give(actor, group, "a@example.org", JAN_31_LATE)
    give(actor, group, "b@example.org", JAN_31_LATE)
    give(actor, group, "c@example.org", FEB_1_EARLY)
    give(actor, group, "a@example.org", FEB_1_EARLY)  # counted again: it is a new month
    with pytest.raises(QuotaExceeded):
        give(actor, group, "d@example.org", FEB_1_EARLY)
    assert quota_status(actor.organization, now=JAN_31_LATE).used == 2
    assert quota_status(actor.organization, now=FEB_1_EARLY).used == 2
    assert set(
        QuotaUsage.objects.filter(month=date(2026, 2, 1)).values_list("email_normalized", flat=True)
    ) == {
        "c@example.org",
        "a@example.org",
    }
    counted = QuotaUsage.objects.get(month=date(2026, 2, 1), email_normalized="c@example.org")
    assert counted.created_at == FEB_1_EARLY  # stored as the ORM stores it, read back alike


def test_revoking_does_not_give_the_place_back(small):
    actor, group, _ = small
    first = give(actor, group, "a@example.org", JAN_31_LATE)
    revoke(actor=actor, credential_id=first.id, reason="r")
    assert quota_status(actor.organization, now=JAN_31_LATE).used == 1


def test_a_refused_issue_stores_nothing(small):
    actor, group, _ = small
    give(actor, group, "a@example.org", JAN_31_LATE)
    give(actor, group, "b@example.org", JAN_31_LATE)
    with pytest.raises(QuotaExceeded) as caught:
        give(actor, group, "c@example.org", JAN_31_LATE)
    assert caught.value.http_status == 402
    assert "2 of its 2" in caught.value.message
    assert not QuotaUsage.objects.filter(email_normalized="c@example.org").exists()


def test_staff_raising_the_override_makes_room_at_once(small):
    actor, group, _ = small
    give(actor, group, "a@example.org", JAN_31_LATE)
    give(actor, group, "b@example.org", JAN_31_LATE)
    set_plan(organization=actor.organization, plan="free", monthly_quota_override=3)
    actor = Actor.system(type(actor.organization).objects.get(pk=actor.organization.pk))
    give(actor, group, "c@example.org", JAN_31_LATE)
    assert quota_status(actor.organization, now=JAN_31_LATE).left == 0


@override_settings(LAUREL_PLAN_QUOTAS={"free": 1, "professional": 1000, "enterprise": 5000})
def test_the_plan_quotas_are_settings(org_factory):
    organization = org_factory("Settings School", plan="free")
    assert quota_status(organization).limit == 1


def test_bulk_validation_can_ask_which_recipients_are_already_counted(small):
    actor, group, _ = small
    give(actor, group, "a@example.org", JAN_31_LATE)
    assert recipients_counted(
        actor.organization, ["a@example.org", "z@example.org"], now=JAN_31_LATE
    ) == {"a@example.org"}


# --- plan rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "plan, may_bulk", [("free", False), ("professional", True), ("enterprise", True)]
)
def test_bulk_submit_needs_professional_or_enterprise(org_factory, plan, may_bulk):
    from laurel.organizations.errors import PlanRequired
    from laurel.organizations.quota import require_plan_feature

    organization = org_factory(f"{plan} org", plan=plan)
    if may_bulk:
        require_plan_feature(organization, "bulk_submit")
    else:
        with pytest.raises(PlanRequired) as caught:
            require_plan_feature(organization, "bulk_submit")
        assert (caught.value.code, caught.value.http_status) == ("plan_required", 402)
        assert "Free" in caught.value.message


def test_a_batch_knows_which_recipients_the_month_counted_already(org_factory):
    """QuotaBatch's read of the month's counted recipients (a join on PostgreSQL): only
    this organization's, only this month's, each email once however often it is given."""
    from datetime import UTC, datetime

    from laurel.organizations.models import QuotaUsage
    from laurel.organizations.quota import QuotaBatch

    ours, theirs = org_factory(), org_factory()
    now = datetime(2026, 5, 20, tzinfo=UTC)
    for organization, month, email in [
        (ours, datetime(2026, 5, 1).date(), "may@example.org"),
        (ours, datetime(2026, 4, 1).date(), "april@example.org"),
        (theirs, datetime(2026, 5, 1).date(), "theirs@example.org"),
    ]:
        QuotaUsage.objects.create(organization=organization, month=month, email_normalized=email)
    asked = ["may@example.org", "april@example.org", "theirs@example.org", "may@example.org"]
    batch = QuotaBatch(ours, asked, now=now)
    assert batch.counted == {"may@example.org"} and batch.used == 1
    assert QuotaBatch(ours, [], now=now).counted == set()
