"""What an issuer reads of their credentials' use: a credential's and a group's page views,
downloads, LinkedIn adds and verifications, over a period they pick; scoped to their own
organization (another organization's credential or group is a 404)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.analytics.services import count

pytestmark = pytest.mark.django_db

MEMBERS = ["owner", "admin", "issuer"]


@pytest.fixture
def issued(owner, never_group):
    from laurel.credentials.services import issue

    def make(email="ada@example.org", name="Ada Lovelace", **fields):
        return issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name=name,
            recipient_email=email,
            **fields,
        )

    return make


def figures(body: str) -> dict[str, str]:
    return dict(re.findall(r'data-count="(\w+)">([^<]*)<', body))


def downloads(body: str) -> dict[str, str]:
    return dict(re.findall(r'data-download="(\w+)">\w+ ([^<]*)<', body))


def detail_url(credential) -> str:
    return f"/organizations/{credential.organization.slug}/credentials/{credential.pk}/details"


@pytest.mark.parametrize("who", MEMBERS)
def test_every_member_sees_a_credentials_counts(member_login, actors, who, issued):
    credential = issued()
    today = timezone.now().date()
    count(credential.pk, "view", day=today, by=12)
    count(credential.pk, "pdf", day=today, by=3)
    count(credential.pk, "png", day=today)
    count(credential.pk, "linkedin", day=today, by=2)
    count(credential.pk, "verify", day=today, by=5)
    response = member_login(actors[who].user).get(detail_url(credential))
    assert response.status_code == 200
    body = response.content.decode()
    assert figures(body) == {"views": "12", "downloads": "4", "linkedin": "2", "verifications": "5"}
    assert downloads(body) == {"PDF": "3", "PNG": "1", "SVG": "0", "JSON": "0"}
    assert "Ada Lovelace" in body and f"/credential/{credential.pk}" in body


def test_the_period_selector_narrows_the_counts(member_login, owner, issued):
    credential = issued()
    today = timezone.now().date()
    count(credential.pk, "view", day=today, by=2)
    count(credential.pk, "view", day=today - timedelta(days=10), by=3)
    count(credential.pk, "view", day=today - timedelta(days=100), by=5)
    count(credential.pk, "view", day=today - timedelta(days=800), by=7)
    client = member_login(owner.user)
    expected = {"7d": "2", "30d": "5", "365d": "10", "all": "17", "nonsense": "5", "": "5"}
    for period, views in expected.items():
        body = client.get(detail_url(credential), {"period": period}).content.decode()
        assert figures(body)["views"] == views, period
    body = client.get(detail_url(credential), {"period": "365d"}).content.decode()
    assert re.search(r'href="\?period=365d#activity" aria-current="true"', body)


def test_a_group_page_sums_its_credentials(member_login, owner, issued, never_group, yearly_group):
    from laurel.credentials.services import issue

    first, second = issued(), issued(email="bob@example.org", name="Bob")
    elsewhere = issue(
        actor=owner,
        group_key=yearly_group.key,
        recipient_name="Cy",
        recipient_email="cy@example.org",
    )
    today = timezone.now().date()
    count(first.pk, "view", day=today, by=4)
    count(second.pk, "view", day=today, by=6)
    count(second.pk, "json", day=today)
    count(second.pk, "verify", day=today - timedelta(days=40))
    count(elsewhere.pk, "view", day=today, by=100)
    client = member_login(owner.user)
    url = f"/organizations/{owner.organization.slug}/groups/{never_group.key}"
    body = client.get(url).content.decode()
    assert figures(body) == {"views": "10", "downloads": "1", "linkedin": "0", "verifications": "0"}
    assert figures(client.get(url, {"period": "all"}).content.decode())["verifications"] == "1"
    assert detail_url(first) in body  # each recent credential links to its own counts


def test_large_counts_are_grouped_in_thousands(member_login, owner, issued):
    credential = issued()
    count(credential.pk, "view", day=timezone.now().date(), by=123456)
    body = member_login(owner.user).get(detail_url(credential)).content.decode()
    assert figures(body)["views"] == "123,456"


def test_the_credentials_list_links_each_row_to_its_counts(member_login, owner, issued):
    credential = issued()
    body = (
        member_login(owner.user)
        .get(f"/organizations/{owner.organization.slug}/credentials")
        .content.decode()
    )
    assert f'href="{detail_url(credential)}"' in body


def test_another_organizations_credential_is_not_found(member_login, outsider, owner, issued):
    credential = issued()
    count(credential.pk, "view", day=timezone.now().date(), by=9)
    client = member_login(outsider.user)
    # Through the outsider's own organization, and through acme's address.
    own = f"/organizations/{outsider.organization.slug}/credentials/{credential.pk}/details"
    assert client.get(own).status_code == 404
    response = client.get(detail_url(credential))
    assert response.status_code == 404
    assert b"Ada Lovelace" not in response.content
    assert (
        client.get(detail_url(credential).replace(credential.pk, "no-such-id")).status_code == 404
    )


def test_a_signed_out_visitor_is_sent_to_sign_in(client, issued):
    response = client.get(detail_url(issued()))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_draft_says_nothing_is_counted_yet(member_login, owner, issued):
    draft = issued(draft=True)
    response = member_login(owner.user).get(detail_url(draft))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Not published yet" in body
    assert f'href="/credential/{draft.pk}"' not in body
    assert figures(body)["views"] == "0"
