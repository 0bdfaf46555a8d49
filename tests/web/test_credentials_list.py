"""The credentials list: who sees it, search and filters, keyset pages, delivery, lineage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.credentials import listing, services
from laurel.credentials.models import Credential
from laurel.mail.models import EmailDelivery


def issue(actor, group, name, email, **extra):
    return services.issue(
        actor=actor, group_key=group.key, recipient_name=name, recipient_email=email, **extra
    )


def list_url(organization, query: str = "") -> str:
    return f"/organizations/{organization.slug}/credentials{query}"


def shown_ids(response) -> list[str]:
    return [row.credential.id for row in response.context["page"].rows]


@pytest.fixture
def three(owner, never_group, yearly_group):
    return [
        issue(owner, never_group, "Ada Lovelace", "ada@example.org"),
        issue(owner, yearly_group, "Grace Hopper", "grace@navy.example"),
        issue(owner, never_group, "Alan Turing", "alan@example.org", draft=True),
    ]


@pytest.mark.parametrize("who", ["owner", "admin", "issuer"])
def test_every_member_sees_the_list(member_login, actors, three, who):
    response = member_login(actors[who].user).get(list_url(actors[who].organization))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ada Lovelace" in body and "grace@navy.example" in body and "Alan Turing" in body
    assert set(shown_ids(response)) == {c.id for c in three}


def test_signed_out_is_sent_to_sign_in(client, acme):
    response = client.get(list_url(acme))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_another_organizations_list_is_404(member_login, outsider, acme, three):
    assert member_login(outsider.user).get(list_url(acme)).status_code == 404


def test_the_outsider_sees_only_their_own_credentials(member_login, outsider, three):
    response = member_login(outsider.user).get(list_url(outsider.organization))
    assert response.status_code == 200
    assert shown_ids(response) == []
    assert "Ada Lovelace" not in response.content.decode()


def test_an_empty_organization_says_so_with_the_issue_action(member_login, owner):
    body = member_login(owner.user).get(list_url(owner.organization)).content.decode()
    assert "No credentials yet" in body
    assert "credentials/issue" in body


def test_filters_that_match_nothing_offer_to_clear_them(member_login, owner, three):
    response = member_login(owner.user).get(list_url(owner.organization, "?q=nobody"))
    assert "No credentials match" in response.content.decode()


@pytest.mark.parametrize(
    "query, names",
    [
        ("?q=ada@example.org", {"Ada Lovelace"}),
        ("?q=ADA@", {"Ada Lovelace"}),  # an email prefix, case-insensitive
        ("?q=grace", {"Grace Hopper"}),  # the start of the email
        ("?q=turing", {"Alan Turing"}),  # part of the name
        ("?q=a", {"Ada Lovelace", "Alan Turing", "Grace Hopper"}),
        ("?status=draft", {"Alan Turing"}),
        ("?status=published", {"Ada Lovelace", "Grace Hopper"}),
        ("?status=revoked", set()),
        ("?status=expired", set()),
        ("?privacy=private", set()),
        ("?privacy=public", {"Ada Lovelace", "Grace Hopper", "Alan Turing"}),
    ],
)
def test_search_and_filters(member_login, owner, three, query, names):
    response = member_login(owner.user).get(list_url(owner.organization, query))
    assert response.status_code == 200
    assert {row.credential.recipient_name for row in response.context["page"].rows} == names


def test_filter_by_group(member_login, owner, three, yearly_group):
    response = member_login(owner.user).get(
        list_url(owner.organization, f"?group={yearly_group.key}")
    )
    assert shown_ids(response) == [three[1].id]


def test_expired_and_revoked_have_their_own_status(member_login, owner, never_group, three):
    past = timezone.now() - timedelta(days=400)
    old = issue(
        owner,
        never_group,
        "Old Timer",
        "old@example.org",
        issued_on=past,
        valid_until=past + timedelta(days=30),
    )
    services.revoke(actor=owner, credential_id=three[0].id, reason="Cheated")
    client = member_login(owner.user)
    assert shown_ids(client.get(list_url(owner.organization, "?status=expired"))) == [old.id]
    assert shown_ids(client.get(list_url(owner.organization, "?status=revoked"))) == [three[0].id]
    body = client.get(list_url(owner.organization)).content.decode()
    assert "status-expired" in body and "status-revoked" in body


def test_issue_date_range(member_login, owner, never_group):
    now = timezone.now()
    early = issue(
        owner, never_group, "Early", "early@example.org", issued_on=now - timedelta(days=40)
    )
    late = issue(owner, never_group, "Late", "late@example.org", issued_on=now - timedelta(days=2))
    client = member_login(owner.user)
    cut = (now - timedelta(days=10)).date().isoformat()
    assert shown_ids(client.get(list_url(owner.organization, f"?issued_from={cut}"))) == [late.id]
    assert shown_ids(client.get(list_url(owner.organization, f"?issued_to={cut}"))) == [early.id]


@pytest.mark.parametrize(
    "query",
    [
        "?status=lost",
        "?privacy=secret",
        "?issued_from=yesterday",
        "?q=" + "x" * 101,
        "?issued_from=2026-05-02&issued_to=2026-05-01",
        "?cursor=not-a-cursor",
        "?group=nope",
    ],
)
def test_bad_filters_say_what_is_wrong_and_never_500(member_login, owner, three, query):
    response = member_login(owner.user).get(list_url(owner.organization, query))
    assert response.status_code in (200, 400)
    assert "Ada Lovelace" not in response.content.decode()


def test_a_failed_email_shows_its_reason_and_the_failed_filter_finds_it(member_login, owner, three):
    EmailDelivery.objects.filter(credential_id=three[1].id).update(
        status="failed", error="550 5.1.1 <grace@navy.example>: mailbox unavailable"
    )
    client = member_login(owner.user)
    response = client.get(list_url(owner.organization))
    body = response.content.decode()
    assert "550 5.1.1 &lt;grace@navy.example&gt;: mailbox unavailable" in body
    rows = {row.credential.id: row for row in response.context["page"].rows}
    assert rows[three[1].id].email.status == "failed"
    assert rows[three[0].id].email.status == "queued"
    assert rows[three[2].id].email is None  # a draft is not emailed
    assert shown_ids(client.get(list_url(owner.organization, "?email=failed"))) == [three[1].id]


def test_the_latest_delivery_is_the_one_shown(member_login, owner, three):
    first = EmailDelivery.objects.get(credential_id=three[0].id)
    EmailDelivery.objects.filter(pk=first.pk).update(
        status="failed", error="timeout", created_at=timezone.now() - timedelta(days=9)
    )
    services.resend_email(actor=owner, credential_id=three[0].id)
    response = member_login(owner.user).get(list_url(owner.organization))
    row = next(r for r in response.context["page"].rows if r.credential.id == three[0].id)
    assert row.email.status == "queued"


def test_lineage_links_both_ways(member_login, owner, yearly_group):
    first = issue(owner, yearly_group, "Renewed Person", "renew@example.org")
    second = issue(owner, yearly_group, "Renewed Person", "renew@example.org")
    assert second.supersedes_id == first.id
    client = member_login(owner.user)
    body = client.get(list_url(owner.organization)).content.decode()
    assert f'href="?q={first.id}"' in body  # the renewal points back
    assert f'href="?q={second.id}"' in body  # and the renewed one forward
    assert "Renews an earlier credential" in body and "Renewed by a newer credential" in body
    assert shown_ids(client.get(list_url(owner.organization, f"?q={first.id}"))) == [first.id]


def test_names_are_shown_as_themselves(member_login, owner, never_group):
    issue(owner, never_group, "<script>alert(1)</script> {{7*7}}", "x@example.org")
    body = member_login(owner.user).get(list_url(owner.organization)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}}" in body
    assert "<script>alert(1)" not in body


def test_htmx_gets_the_results_partial_alone(member_login, owner, three):
    response = member_login(owner.user).get(
        list_url(owner.organization, "?q=ada"), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="credential-results"')
    assert "<html" not in body and "Ada Lovelace" in body


# --- keyset pages ------------------------------------------------------------------------


def bulk(organization, group, n, *, created_at=None, prefix="p"):
    now = timezone.now()
    Credential.objects.bulk_create(
        Credential(
            organization=organization,
            group=group,
            recipient_name=f"Person {i}",
            recipient_email=f"{prefix}{i}@example.org",
            recipient_email_normalized=f"{prefix}{i}@example.org",
            status="published",
            issued_on=now,
            created_at=created_at or now - timedelta(seconds=i // 3),  # ties in threes
        )
        for i in range(n)
    )


def walk(client, url):
    """Every page from `url` following Next; returns the ids in order and the last page."""
    seen, response = [], client.get(url)
    while True:
        page = response.context["page"]
        seen += [row.credential.id for row in page.rows]
        pager = response.context["pager"]
        if not pager["has_next"]:
            return seen, response
        response = client.get(pager["next_url"])


def test_paging_skips_and_repeats_nothing_with_ties_on_created_at(member_login, owner, never_group):
    bulk(owner.organization, never_group, 137)
    client = member_login(owner.user)
    seen, last = walk(client, list_url(owner.organization))
    expected = list(Credential.objects.order_by("-created_at", "-id").values_list("id", flat=True))
    assert seen == expected and len(seen) == 137
    # And back: Previous from the last page gives the page before it, in the same order.
    previous = client.get(last.context["pager"]["previous_url"])
    assert shown_ids(previous) == expected[50:100]
    assert previous.context["pager"]["has_previous"] and previous.context["pager"]["has_next"]
    first = client.get(previous.context["pager"]["previous_url"])
    assert shown_ids(first) == expected[:50]
    assert not first.context["pager"]["has_previous"]


def test_every_row_shares_one_created_at(member_login, owner, never_group):
    bulk(owner.organization, never_group, 120, created_at=timezone.now())
    seen, _ = walk(member_login(owner.user), list_url(owner.organization))
    assert len(seen) == len(set(seen)) == 120


def test_pages_keep_the_filters(member_login, owner, never_group, yearly_group):
    bulk(owner.organization, never_group, 60, prefix="n")
    bulk(owner.organization, yearly_group, 70, prefix="y")
    seen, _ = walk(
        member_login(owner.user), list_url(owner.organization, f"?group={yearly_group.key}")
    )
    assert len(seen) == 70
    assert set(Credential.objects.filter(id__in=seen).values_list("group", flat=True)) == {
        yearly_group.pk
    }


def test_the_count_is_capped(member_login, owner, never_group, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 100)
    bulk(owner.organization, never_group, 130)
    response = member_login(owner.user).get(list_url(owner.organization))
    page = response.context["page"]
    assert (page.count, page.count_capped) == (100, True)
    assert "More than 100 credentials" in response.content.decode()


def test_the_resend_rule_gives_the_date_the_page_shows(owner, three, settings):
    now = timezone.now()
    sent = now - timedelta(days=2)
    last = listing.LastEmail(status="sent", error="", at=sent)
    assert listing.resend_available_at(last, now=now) == sent + timedelta(days=7)
    assert (
        listing.resend_available_at(listing.LastEmail(status="failed", error="x", at=sent), now=now)
        is None
    )
    assert listing.resend_available_at(None, now=now) is None
    settings.LAUREL_RESEND_COOLDOWN_DAYS = 1
    assert listing.resend_available_at(last, now=now) is None


def test_a_name_search_over_several_pages_is_not_counted(member_login, owner, never_group):
    bulk(owner.organization, never_group, 60)
    response = member_login(owner.user).get(list_url(owner.organization, "?q=person"))
    page = response.context["page"]
    assert page.count is None and page.has_next and len(page.rows) == 50
    assert "Matching credentials, newest first" in response.content.decode()
    # An email prefix is counted (the index answers it).
    response = member_login(owner.user).get(list_url(owner.organization, "?q=p1@"))
    assert response.context["page"].count == 1
