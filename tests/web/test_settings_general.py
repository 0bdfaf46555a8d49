"""Settings → General, Plan and quota, Audit log: what the pages show and store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.organizations.models import AuditEvent, Organization
from laurel.organizations.permissions import Actor
from laurel.organizations.quota import count_recipient

pytestmark = pytest.mark.django_db


def url(organization, page):
    return f"/organizations/{organization.slug}/settings/{page}"


GOOD = {
    "name": "Acme Academy",
    "url": "https://acme.example.org",
    "email": "hello@acme.example.org",
    "image": "https://acme.example.org/logo.png",
    "emails_enabled": "on",
    "email_language": "en",
}


def test_general_saves_every_field_through_the_service(member_login, admin):
    client = member_login(admin.user)
    response = client.post(url(admin.organization, "general"), {**GOOD, "emails_enabled": ""})
    assert response.status_code == 302
    organization = Organization.objects.get(pk=admin.organization.pk)
    assert organization.url == GOOD["url"] and organization.email == GOOD["email"]
    assert organization.image == GOOD["image"] and organization.emails_enabled is False
    event = AuditEvent.objects.filter(action="organization.settings_changed").latest("id")
    assert event.actor_user == admin.user
    follow = client.get(response["Location"])
    assert "Organization settings saved." in follow.content.decode()


def test_the_language_for_recipient_emails_is_saved_and_only_a_shipped_one(member_login, owner):
    client = member_login(owner.user)
    response = client.post(url(owner.organization, "general"), {**GOOD, "email_language": "ar"})
    assert response.status_code == 302
    assert Organization.objects.get(pk=owner.organization.pk).email_language == "ar"
    page = client.get(url(owner.organization, "general")).content.decode()
    assert '<option value="ar" selected>العربيّة (Arabic)</option>' in page
    assert '<option value="fr">Français (French)</option>' in page
    refused = client.post(url(owner.organization, "general"), {**GOOD, "email_language": "de"})
    assert refused.status_code == 400
    assert Organization.objects.get(pk=owner.organization.pk).email_language == "ar"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("url", "javascript:alert(1)", "url"),
        ("image", "ftp://acme.example.org/logo.png", "image"),
        ("email", "not-an-address", "not an email address"),
        ("name", "   ", "needs a name"),
    ],
)
def test_a_bad_value_keeps_what_was_typed_and_shows_the_message_next_to_the_field(
    member_login, owner, field, value, message
):
    data = {**GOOD, field: value, "url": "https://typed.example.org"}
    if field == "url":
        data["url"] = value
    response = member_login(owner.user).post(url(owner.organization, "general"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] and message in " ".join(form.errors[field])
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    if field != "url":
        assert 'value="https://typed.example.org"' in body  # what was typed stays
    assert Organization.objects.get(pk=owner.organization.pk).url == ""


def test_hostile_names_show_as_themselves(member_login, owner):
    client = member_login(owner.user)
    client.post(
        url(owner.organization, "general"), {**GOOD, "name": "<script>alert(1)</script> {{7*7}}"}
    )
    body = client.get(url(owner.organization, "general")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}}" in body
    assert "<script>alert(1)</script>" not in body


def test_plan_page_shows_the_quota_used_and_left_and_every_plan(member_login, issuer, settings):
    for n in range(3):
        count_recipient(organization=issuer.organization, email_normalized=f"r{n}@example.org")
    response = member_login(issuer.user).get(url(issuer.organization, "plan"))
    body = response.content.decode()
    quota = response.context["quota"]
    assert (quota.used, quota.limit, quota.left) == (3, 1000, 997)
    assert 'value="3"' in body and 'max="1000"' in body
    plans = {p["value"]: p for p in response.context["plans"]}
    assert {k: p["quota"] for k, p in plans.items()} == settings.LAUREL_PLAN_QUOTAS
    assert plans["professional"]["current"] and plans["professional"]["bulk_submit"]
    assert not plans["free"]["bulk_submit"]
    assert "Bulk: validate uploads only" in body


# --- audit log --------------------------------------------------------------------------


@pytest.fixture
def history(owner, admin):
    """60 events of acme: 40 by the owner (api_key.created), 20 by the admin (member.invited),
    one a day back from today."""
    now = timezone.now()
    events = []
    for n in range(60):
        actor = owner if n % 3 else admin
        events.append(
            AuditEvent(
                organization=owner.organization,
                actor_user=actor.user,
                actor_label=actor.user.email,
                door="web",
                action="api_key.created" if n % 3 else "member.invited",
                created_at=now - timedelta(days=n),
            )
        )
    AuditEvent.objects.filter(organization=owner.organization).delete()
    AuditEvent.objects.bulk_create(events)
    return events


def test_audit_log_pages_by_keyset_newest_first(member_login, issuer, history):
    client = member_login(issuer.user)
    first = client.get(url(issuer.organization, "audit"))
    page_one = first.context["events"]
    assert len(page_one) == 50
    assert page_one[0].created_at == max(e.created_at for e in history)
    next_url = first.context["pager"]["next_url"]
    assert next_url and "after=" in next_url
    second = client.get(url(issuer.organization, "audit") + next_url)
    page_two = second.context["events"]
    assert len(page_two) == 10 and second.context["pager"]["next_url"] is None
    assert not {e.pk for e in page_one} & {e.pk for e in page_two}
    assert second.context["pager"]["has_previous"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("action=member.invited", 20),
        ("action=api_key.created", 40),
        ("actor=ADMIN", None),  # part of the admin's email, any case
        ("since={d10}", 11),
        ("until={d10}", 50),
        ("since={d10}&until={d5}&action=member.invited", 2),
    ],
)
def test_audit_log_filters(member_login, owner, admin, history, query, expected):
    today = timezone.now().date()
    query = query.format(d10=today - timedelta(days=10), d5=today - timedelta(days=5))
    if query.startswith("actor="):
        query = f"actor={admin.user.email.split('@')[0].upper()}"
        expected = 20
    response = member_login(owner.user).get(url(owner.organization, "audit") + "?" + query)
    assert response.status_code == 200
    events = response.context["events"]
    total = len(events)
    if response.context["pager"]["next_url"]:
        more = member_login(owner.user).get(
            url(owner.organization, "audit") + response.context["pager"]["next_url"]
        )
        total += len(more.context["events"])
    assert total == expected


@pytest.mark.parametrize(
    "query",
    ["after=garbage", "after=2026-13-99~x", "since=yesterday", "action=<script>", "after=~"],
)
def test_audit_log_never_fails_on_bad_filters(member_login, owner, history, query):
    response = member_login(owner.user).get(url(owner.organization, "audit") + "?" + query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>")[1].split("<script")[0]


def test_audit_log_shows_only_the_organizations_own_events(member_login, owner, outsider, history):
    from laurel.organizations import audit

    audit.record(
        Actor(organization=outsider.organization, role="owner", user=outsider.user), "secret.globex"
    )
    response = member_login(owner.user).get(
        url(owner.organization, "audit") + "?action=secret.globex"
    )
    assert response.context["events"] == []
