"""The front page, and an organization's home as each kind of user sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.credentials import services
from laurel.organizations.models import Membership


def test_front_page_tells_a_visitor_what_laurel_is_with_sign_in_sign_up_and_verify(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Certificates and badges that prove themselves." in body
    assert 'href="/accounts/login/"' in body
    assert 'href="/accounts/signup/"' in body
    assert 'action="/verify"' in body


def test_front_page_sends_a_member_of_one_organization_to_its_home(member_login, owner):
    response = member_login(owner.user).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/organizations/{owner.organization.slug}/"


def test_front_page_lets_a_member_of_several_organizations_choose(member_login, owner, globex):
    Membership.objects.create(user=owner.user, organization=globex, role="issuer")
    response = member_login(owner.user).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f"/organizations/{owner.organization.slug}/" in body
    assert f"/organizations/{globex.slug}/" in body


@pytest.mark.parametrize("who", ["owner", "admin", "issuer"])
def test_home_answers_every_member(member_login, actors, who):
    actor = actors[who]
    response = member_login(actor.user).get(f"/organizations/{actor.organization.slug}/")
    assert response.status_code == 200
    assert "Issue new credential" in response.content.decode()


def test_home_of_another_organization_is_404_like_a_missing_one(member_login, outsider, acme):
    client = member_login(outsider.user)
    assert client.get(f"/organizations/{acme.slug}/").status_code == 404
    assert client.get("/organizations/no-such-org/").status_code == 404


def test_home_signed_out_sends_to_sign_in(client, acme):
    response = client.get(f"/organizations/{acme.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_home_counts_drafts_and_shows_the_quota_and_the_weeks(member_login, owner, never_group):
    now = timezone.now()
    for n in range(3):
        services.issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name=f"Person {n}",
            recipient_email=f"p{n}@example.org",
            draft=n == 0,
            issued_on=now - timedelta(weeks=n),
        )
    response = member_login(owner.user).get(f"/organizations/{owner.organization.slug}/")
    context = response.context
    assert context["attention"].drafts == 1
    assert context["quota"].used == 3
    assert context["issued_12_weeks"] == 2
    assert [bar.count for bar in context["chart"]][-3:] == [1, 1, 0]  # the draft is not issued


def test_home_warns_a_pending_organization(member_login, org_factory):
    pending = org_factory("Pending Co", approved=False)
    owner = Membership.objects.get(organization=pending).user
    body = member_login(owner).get(f"/organizations/{pending.slug}/").content.decode()
    assert "waiting for approval" in body


def test_home_counts_every_kind_of_job_running_with_a_link_to_each(
    member_login, owner, never_group
):
    """Publish batches, bulk jobs and certificate ZIPs waiting or under way (their tasks
    never run here: nothing commits) are the home's "jobs running"; finished ones are not."""
    from laurel.bulk.services import validate_and_submit
    from laurel.credentials import publishing
    from laurel.credentials.models import PublishBatch
    from laurel.designs.services import request_zip

    home = f"/organizations/{owner.organization.slug}/"
    client = member_login(owner.user)
    assert client.get(home).context["jobs_running"] == 0
    drafts = [
        services.issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name=f"Draft {n}",
            recipient_email=f"d{n}@example.org",
            draft=True,
        )
        for n in range(publishing.INLINE_LIMIT + 1)
    ]
    batch = publishing.publish_selected(actor=owner, credential_ids=[d.pk for d in drafts])
    assert batch.status == PublishBatch.Status.PENDING  # left to the background task
    validate_and_submit(
        actor=owner,
        group_key=never_group.key,
        recipients=[{"name": "Bulk One", "email": "bulk1@example.org"}],
    )
    published = services.issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Zip Person",
        recipient_email="zip@example.org",
    )
    request_zip(actor=owner, credential_ids=[published.pk], label="A ZIP")
    finished = PublishBatch.objects.create(
        organization=owner.organization, status=PublishBatch.Status.COMPLETED, total=1
    )

    response = client.get(home)
    jobs = response.context["jobs"]
    assert (jobs.publishing, jobs.bulk, jobs.zips) == (1, 1, 1)
    assert response.context["jobs_running"] == 3
    body = response.content.decode()
    assert "1 publishing" in body and "1 bulk job" in body and "1 certificate ZIP" in body
    assert f'href="{home}credentials/review"' in body and f'href="{home}bulk-jobs"' in body
    assert finished.pk  # a completed batch is not counted

    publishing.publish_batch(batch_id=batch.pk)  # what the task would do
    assert client.get(home).context["jobs"].publishing == 0
