"""Issue one credential from the issuer app: the picker, the form, the live recipient check,
the prerequisites page. Every state is prepared through the services; every view × role."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from django.utils.html import escape

from laurel.credentials import services
from laurel.credentials.models import Credential
from laurel.organizations.models import Membership, SigningKey

MEMBERS = ["owner", "admin", "issuer"]


def issue_url(organization, rest: str = "") -> str:
    return f"/organizations/{organization.slug}/credentials/issue{rest}"


def post(group, **changes) -> dict:
    data = {
        "group": group.key,
        "recipient_name": "Ada Lovelace",
        "recipient_email": "ada@example.org",
        "evidence_url": "https://example.org/portfolio/ada",
        "public": "on",
        "action": "issue",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def check(client, group, email, organization=None):
    organization = organization or group.organization
    return client.get(
        issue_url(organization, "/check"),
        {"group": group.key, "recipient_email": email},
        headers={"HX-Request": "true"},
    )


# --- the picker --------------------------------------------------------------------------


@pytest.mark.parametrize("who", MEMBERS)
def test_every_member_picks_a_group_first(member_login, actors, who, never_group, yearly_group):
    actor = actors[who]
    response = member_login(actor.user).get(issue_url(actor.organization))
    body = response.content.decode()
    assert response.status_code == 200
    assert "choose the credential group" in body
    assert f'href="?group={never_group.key}"' in body and "First Aid" in body


def test_the_picker_searches_by_name_with_and_without_htmx(
    member_login, owner, never_group, yearly_group
):
    client = member_login(owner.user)
    body = client.get(issue_url(owner.organization), {"q": "aid"}).content.decode()
    assert "First Aid" in body and "Python Foundations" not in body
    partial = client.get(
        issue_url(owner.organization), {"q": "pyth"}, headers={"HX-Request": "true"}
    )
    text = partial.content.decode()
    assert text.lstrip().startswith('<div id="group-choices"') and "<html" not in text
    assert "Python Foundations" in text and "First Aid" not in text


def test_the_picker_without_groups_points_to_creating_one(member_login, owner):
    body = member_login(owner.user).get(issue_url(owner.organization)).content.decode()
    assert "Create a credential group first" in body
    assert f"/organizations/{owner.organization.slug}/groups/new" in body


def test_issue_signed_out_sends_to_sign_in(client, acme, never_group):
    for response in (
        client.get(issue_url(acme), {"group": never_group.key}),
        client.post(issue_url(acme), post(never_group)),
        client.get(
            issue_url(acme, "/check"), {"group": never_group.key, "recipient_email": "a@b.org"}
        ),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert not Credential.objects.exists()


def test_an_outsider_gets_404_for_another_organizations_issue_pages(
    member_login, outsider, acme, never_group
):
    client = member_login(outsider.user)
    assert client.get(issue_url(acme)).status_code == 404
    assert client.post(issue_url(acme), post(never_group)).status_code == 404
    assert check(client, never_group, "a@example.org").status_code == 404
    assert not Credential.objects.exists()


def test_another_organizations_group_key_is_404_on_every_issue_page(
    member_login, owner, outsider, group_factory
):
    theirs = group_factory(outsider.organization, title="Globex Course")
    client = member_login(owner.user)
    acme = owner.organization
    assert client.get(issue_url(acme), {"group": theirs.key}).status_code == 404
    assert client.post(issue_url(acme), post(theirs)).status_code == 404
    assert check(client, theirs, "a@example.org", organization=acme).status_code == 404
    assert not Credential.objects.exists()


# --- the form ----------------------------------------------------------------------------


def test_the_form_from_a_group_has_it_chosen_with_every_input(member_login, owner, custom_group):
    response = member_login(owner.user).get(
        issue_url(owner.organization), {"group": custom_group.key}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'name="group" value="{custom_group.key}"' in body
    for name in (
        "recipient_name",
        "recipient_email",
        "evidence_url",
        "public",
        "issued_on",
        "valid_until",
    ):
        assert f'name="{name}"' in body, name
    assert 'name="custom_grade"' in body and 'name="custom_hours"' in body
    assert "Make this credential publicly verifiable" in body
    assert response.context["form"]["public"].value() is True  # the group's default: public
    assert re.search(r'<input type="checkbox" name="public"[^>]* checked', body)
    assert "Issue credential" in body and "Generate as draft" in body
    assert 'hx-trigger="load, input changed delay:300ms"' in body
    assert f'hx-get="{issue_url(owner.organization, "/check")}"' in body
    assert 'maxlength="200"' in body  # the recipient_name column's size
    assert 'name="csrfmiddlewaretoken"' in body


def test_a_private_group_proposes_a_private_credential(member_login, owner, group_factory):
    group = group_factory(owner.organization, title="Private Course", default_privacy="private")
    form = (
        member_login(owner.user)
        .get(issue_url(owner.organization), {"group": group.key})
        .context["form"]
    )
    assert form["public"].value() is False


@pytest.mark.parametrize("who", MEMBERS)
def test_every_member_issues_and_lands_on_the_credentials_list_with_a_toast(
    member_login, actors, who, custom_group
):
    actor = actors[who]
    client = member_login(actor.user)
    response = client.post(
        issue_url(actor.organization),
        post(
            custom_group,
            custom_grade="A+",
            custom_hours="",
            issued_on="2026-03-01",
            valid_until="2028-03-01",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/organizations/{actor.organization.slug}/credentials"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Credential issued to Ada Lovelace."
    ]
    credential = Credential.objects.get(group=custom_group)
    assert credential.status == Credential.Status.PUBLISHED
    assert credential.document is not None
    assert credential.privacy == "public"
    assert credential.evidence_url == "https://example.org/portfolio/ada"
    assert credential.custom_attributes == {"custom_grade": "A+"}
    assert credential.issued_on == datetime(2026, 3, 1, tzinfo=UTC)
    assert credential.valid_until == datetime(2028, 3, 1, tzinfo=UTC)
    assert credential.custom_dates is True


def test_generate_as_draft_keeps_it_a_draft_and_says_so(member_login, issuer, never_group):
    client = member_login(issuer.user)
    response = client.post(
        issue_url(issuer.organization), post(never_group, action="draft", public=None)
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Draft saved for Ada Lovelace."
    ]
    credential = Credential.objects.get(group=never_group)
    assert credential.status == Credential.Status.DRAFT
    assert credential.privacy == "private"  # the box was left unchecked
    assert credential.document is None


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"recipient_email": "not-an-address"}, "recipient_email", "is not an email address"),
        (
            {"evidence_url": "javascript:alert(1)"},
            "evidence_url",
            "evidence_url must be an http(s) URL",
        ),
        (
            {"issued_on": "2026-05-01", "valid_until": "2026-04-01"},
            "valid_until",
            "valid_until must be after issued_on.",
        ),
        ({"issued_on": "yesterday"}, "issued_on", "Enter a valid date."),
        ({"recipient_name": ""}, "recipient_name", "This field is required."),
    ],
)
def test_a_refused_issue_keeps_what_was_typed_and_says_why_next_to_the_field(
    member_login, owner, never_group, changes, field, message
):
    response = member_login(owner.user).post(
        issue_url(owner.organization), post(never_group, **changes)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field], form.errors
    body = response.content.decode()
    assert escape(message) in body
    assert f'id="id_{field}_error"' in body
    for typed in changes.values():
        if typed:
            assert f'value="{escape(typed)}"' in body
    assert not Credential.objects.exists()


def test_a_custom_field_the_service_refuses_is_shown_next_to_that_input(
    member_login, owner, custom_group
):
    # The form only offers the group's fields; the service refuses a value that is not text
    # only from other doors, so here the whole path is checked by an over-long name instead.
    response = member_login(owner.user).post(
        issue_url(owner.organization),
        post(custom_group, recipient_name="x" * 201, custom_grade="B"),
    )
    assert response.context["form"].errors["recipient_name"]
    assert 'value="B"' in response.content.decode()


def test_issuing_twice_a_non_expiring_credential_is_refused_next_to_the_email(
    member_login, owner, never_group
):
    services.issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
    )
    response = member_login(owner.user).post(
        issue_url(owner.organization), post(never_group, recipient_email=" ADA@example.org ")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["recipient_email"]
    assert errors == [
        "Credential already exists for this recipient, to overwrite, "
        "set duplication to true in group settings."
    ]
    body = response.content.decode()
    assert "Recipient already has this credential." in body  # the banner, from the server
    assert 'value=" ADA@example.org "' in body or 'value="ADA@example.org"' in body
    assert Credential.objects.filter(group=never_group).count() == 1


def test_a_pending_draft_blocks_and_the_message_says_how_to_go_on(member_login, owner, never_group):
    draft = services.issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
        draft=True,
    )
    response = member_login(owner.user).post(issue_url(owner.organization), post(never_group))
    assert "publish or delete it" in response.context["form"].errors["recipient_email"][0]
    assert f"credentials/review/{draft.id}" in response.content.decode()
    assert Credential.objects.count() == 1


def test_a_group_deleted_meanwhile_or_unknown_is_404_not_500(member_login, owner):
    response = member_login(owner.user).post(
        issue_url(owner.organization), {"group": "nosuchgroup1", "recipient_name": "A"}
    )
    assert response.status_code == 404


# --- the live recipient check ------------------------------------------------------------


def prepare(state, owner, never_group, yearly_group):
    """Arrange each prior state through the services; return the group to check."""
    email = "ada@example.org"

    def give(group, **extra):
        return services.issue(
            actor=owner, group_key=group.key, recipient_name="Ada", recipient_email=email, **extra
        )

    if state == "new":
        return yearly_group
    if state == "expired":
        give(yearly_group, issued_on=timezone.now() - timedelta(days=800))
        return yearly_group
    if state == "active_time_bound":
        give(yearly_group)
        return yearly_group
    if state == "active_non_expiring":
        give(never_group)
        return never_group
    if state == "revoked":
        credential = give(never_group)
        services.revoke(actor=owner, credential_id=credential.id, reason="mistake")
        return never_group
    if state == "draft_pending":
        give(never_group, draft=True)
        return never_group
    raise AssertionError(state)


BANNERS = {
    "new": ("alert-success", "First-time recipient.", False),
    "expired": ("alert-info", "Renewing an expired credential.", False),
    "active_time_bound": (
        "alert-warning",
        "An active credential exists. It will be revoked and a new one issued.",
        False,
    ),
    "active_non_expiring": ("alert-danger", "Recipient already has this credential.", True),
    "revoked": ("alert-info", "Issuing replaces a revoked credential.", False),
    "draft_pending": (
        "alert-warning",
        "A draft for this recipient is waiting to be published.",
        True,
    ),
}


@pytest.mark.parametrize("state", list(BANNERS))
@pytest.mark.parametrize("who", MEMBERS)
def test_the_check_answers_each_state_with_its_banner_and_the_buttons(
    member_login, actors, who, owner, never_group, yearly_group, state
):
    group = prepare(state, owner, never_group, yearly_group)
    response = check(member_login(actors[who].user), group, "  ADA@Example.org")
    body = response.content.decode()
    tone, title, blocked = BANNERS[state]
    assert response.status_code == 200
    assert "<html" not in body
    assert f'data-state="{state}"' in body
    assert tone in body and escape(title) in body
    actions = body.split('id="issue-actions"')[1]
    assert 'hx-swap-oob="true"' in actions
    assert ("disabled" in actions) is blocked
    if state == "draft_pending":
        draft = Credential.objects.get(status="draft")
        assert f"/organizations/{owner.organization.slug}/credentials/review/{draft.id}" in body


def test_the_check_says_when_the_group_allows_duplicates_instead_of_blocking(
    member_login, owner, group_factory
):
    group = group_factory(owner.organization, title="Open Course", allow_duplicates=True)
    services.issue(
        actor=owner, group_key=group.key, recipient_name="Ada", recipient_email="a@example.org"
    )
    body = check(member_login(owner.user), group, "a@example.org").content.decode()
    assert "Recipient already has this credential." in body
    assert "allows duplicates" in body
    assert "disabled" not in body.split('id="issue-actions"')[1]

    services.issue(
        actor=owner,
        group_key=group.key,
        recipient_name="Ada",
        recipient_email="b@example.org",
        draft=True,
    )
    body = check(member_login(owner.user), group, "b@example.org").content.decode()
    assert "A draft for this recipient is waiting to be published." in body
    assert "allows duplicates" in body
    assert "disabled" not in body.split('id="issue-actions"')[1]


@pytest.mark.parametrize("email", ["", "ada@", "not an email", "x" * 300 + "@example.org"])
def test_the_check_shows_no_banner_while_the_email_is_half_typed(
    member_login, owner, never_group, email
):
    body = check(member_login(owner.user), never_group, email).content.decode()
    assert 'data-state=""' in body and "alert" not in body
    assert "disabled" not in body


def test_the_check_reads_only_this_organizations_credentials(
    member_login, owner, outsider, group_factory, never_group
):
    theirs = group_factory(outsider.organization, title="Globex Course")
    services.issue(
        actor=outsider, group_key=theirs.key, recipient_name="Ada", recipient_email="a@example.org"
    )
    body = check(member_login(owner.user), never_group, "a@example.org").content.decode()
    assert 'data-state="new"' in body


def test_the_page_re_rendered_on_error_shows_the_banner_of_what_was_typed(
    member_login, owner, yearly_group
):
    services.issue(
        actor=owner,
        group_key=yearly_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
    )
    response = member_login(owner.user).post(
        issue_url(owner.organization), post(yearly_group, evidence_url="ftp://nope")
    )
    body = response.content.decode()
    assert 'data-state="active_time_bound"' in body
    assert "It will be revoked and a new one issued." in body


# --- prerequisites -----------------------------------------------------------------------


def test_a_pending_organization_is_told_it_awaits_approval_instead_of_a_form(
    member_login, org_factory
):
    pending = org_factory("Pending Co", approved=False)
    owner = Membership.objects.get(organization=pending).user
    client = member_login(owner)
    for response in (
        client.get(issue_url(pending)),
        client.post(issue_url(pending), {"group": "x"}),
    ):
        body = response.content.decode()
        assert response.status_code == 200
        assert 'data-blocker="organization_not_approved"' in body
        assert "waiting for approval" in body
        assert 'name="recipient_email"' not in body
    assert not Credential.objects.exists()


@pytest.mark.parametrize("who, fix_link", [("owner", True), ("admin", True), ("issuer", False)])
def test_without_a_signing_key_the_page_links_to_the_keys_for_who_can_fix_it(
    member_login, actors, who, fix_link, never_group
):
    actor = actors[who]
    SigningKey.objects.filter(organization=actor.organization).update(
        status="retired", retired_at=timezone.now()
    )  # arranged directly: no service leaves an approved organization keyless
    body = (
        member_login(actor.user)
        .get(issue_url(actor.organization), {"group": never_group.key})
        .content.decode()
    )
    assert 'data-blocker="no_signing_key"' in body
    assert "no active signing key" in body
    assert (f"/organizations/{actor.organization.slug}/settings/keys" in body) is fix_link
    assert 'name="recipient_email"' not in body
    response = member_login(actor.user).post(issue_url(actor.organization), post(never_group))
    assert 'data-blocker="no_signing_key"' in response.content.decode()
    assert not Credential.objects.exists()


def test_when_the_months_quota_is_used_up_the_page_says_so_with_the_plan_link(
    member_login, org_factory, group_factory
):
    small = org_factory("Small Co", monthly_quota=1)
    owner_user = Membership.objects.get(organization=small).user
    group = group_factory(small, title="Course")
    client = member_login(owner_user)
    assert client.post(issue_url(small), post(group)).status_code == 302
    body = client.get(issue_url(small), {"group": group.key}).content.decode()
    assert 'data-blocker="quota_exceeded"' in body
    assert "monthly limit of recipients" in body
    assert f"/organizations/{small.slug}/settings/plan" in body
    assert 'name="recipient_email"' not in body


def test_the_prerequisite_check_leaves_the_request_organization_as_it_was(owner):
    from laurel.credentials.prerequisites import issuing_blocker

    assert issuing_blocker(owner) is None
    assert not hasattr(owner.organization, "active_signing_key")


# --- names in any script -----------------------------------------------------------------

NAMES = [
    "مريم العربية",
    "שלום עליכם",
    "王小明",
    "देवनागरी नाम",
    "Zoë 🎓✨ é",
    "<script>alert(1)</script>",
    "{{7*7}}",
]


@pytest.mark.parametrize("name", NAMES)
def test_names_are_issued_and_toasted_as_themselves(member_login, owner, never_group, name):
    client = member_login(owner.user)
    assert (
        client.post(
            issue_url(owner.organization), post(never_group, recipient_name=name)
        ).status_code
        == 302
    )
    assert Credential.objects.get().recipient_name == name
    # The credentials list is another page; any page shows the toast the issue left.
    body = client.get(
        f"/organizations/{owner.organization.slug}/groups/{never_group.key}"
    ).content.decode()
    assert escape(f"Credential issued to {name}.") in body
    if "<" in name:
        assert name not in body


@pytest.mark.parametrize("name", NAMES)
def test_a_refused_form_shows_the_typed_name_as_itself(member_login, owner, never_group, name):
    response = member_login(owner.user).post(
        issue_url(owner.organization), post(never_group, recipient_name=name, recipient_email="bad")
    )
    body = response.content.decode()
    assert f'value="{escape(name)}"' in body
    if "{{" in name:
        assert "49" not in body.split('name="recipient_name"')[1][:200]


def test_odd_input_to_the_issue_pages_never_makes_a_500(member_login, owner, never_group):
    client = member_login(owner.user)
    organization = owner.organization
    assert check(client, never_group, "a\x00b@example.org").status_code == 200
    assert client.get(issue_url(organization), {"group": "bad\x00key"}).status_code == 404
    assert (
        client.get(issue_url(organization, "/check"), {"recipient_email": "a@b.org"}).status_code
        == 404
    )
    response = client.post(issue_url(organization), post(never_group, recipient_name="a\x00b"))
    assert response.status_code == 200 and response.context["form"].errors["recipient_name"]
    response = client.post(issue_url(organization), post(never_group, issued_on="99999-01-01"))
    assert response.status_code == 200 and response.context["form"].errors["issued_on"]
    response = client.post(issue_url(organization), post(never_group, issued_on="0001-01-01"))
    assert response.status_code == 200 and response.context["form"].errors["issued_on"]
    assert not Credential.objects.exists()


@pytest.mark.parametrize("missing", ["nothing", "approval", "key", "quota"])
def test_the_prerequisite_check_names_what_the_service_would_refuse(
    missing, org_factory, group_factory, user_factory
):
    from laurel.credentials.prerequisites import issuing_blocker
    from laurel.organizations.errors import DomainError
    from laurel.organizations.permissions import Actor

    organization = org_factory(
        approved=missing != "approval", monthly_quota=0 if missing == "quota" else None
    )
    if missing == "key":
        SigningKey.objects.filter(organization=organization).update(
            status="retired", retired_at=timezone.now()
        )
    group = group_factory(organization, title="Course")
    actor = Actor(organization=organization, role="issuer", user=user_factory())
    blocker = issuing_blocker(actor)
    try:
        services.issue(
            actor=actor, group_key=group.key, recipient_name="Ada", recipient_email="a@example.org"
        )
    except DomainError as error:
        refused = error.code
    else:
        refused = None
    expected = {
        "nothing": None,
        "approval": "organization_not_approved",
        "key": "no_signing_key",
        "quota": "quota_exceeded",
    }[missing]
    assert (blocker.code if blocker else None) == refused == expected
