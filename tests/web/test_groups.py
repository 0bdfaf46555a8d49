"""Credential groups in the issuer app: list and search, create, edit, a group's page.

Every view × role: owner, admin and issuer may (groups are every member's work), a
signed-out visitor goes to sign in, and another organization's keys are 404.
"""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from laurel.credentials import services
from laurel.credentials.models import CredentialGroup
from laurel.organizations.models import AuditEvent

MEMBERS = ["owner", "admin", "issuer"]


def url(organization, rest: str = "") -> str:
    return f"/organizations/{organization.slug}/groups{rest}"


def group_post(**changes) -> dict:
    """What the group form posts, with one empty skill row."""
    data = {
        "title": "Machine Learning",
        "code": "ML-101",
        "achievement_type": "Course",
        "description": "Models that learn from data.",
        "criteria": "Passed the exam.",
        "image": "https://example.org/ml.png",
        "expiry_unit": "years",
        "expiry_amount": "2",
        "allow_duplicates": "on",
        "custom_fields": "custom_grade\ncustom_hours",
        "default_privacy": "private",
        "skills-TOTAL_FORMS": "2",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "1000",
        "skills-0-name": "Regression",
        "skills-0-url": "https://example.org/skills/regression",
        "skills-0-framework": "ESCO",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- the list ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", MEMBERS)
def test_every_member_sees_the_groups_with_new_and_issue(member_login, actors, who, never_group):
    actor = actors[who]
    response = member_login(actor.user).get(url(actor.organization))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Python Foundations" in body
    assert "New group" in body
    assert f"credentials/issue?group={never_group.key}" in body


def test_the_list_signed_out_sends_to_sign_in(client, acme):
    response = client.get(url(acme))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_another_organizations_list_is_404(member_login, outsider, acme):
    assert member_login(outsider.user).get(url(acme)).status_code == 404


def test_an_organization_without_groups_shows_how_to_start(member_login, owner):
    body = member_login(owner.user).get(url(owner.organization)).content.decode()
    assert "No credential groups yet" in body
    assert "Create your first group" in body


def test_search_by_name_filters_in_the_page_and_alone_for_htmx(
    member_login, owner, never_group, yearly_group
):
    client = member_login(owner.user)
    body = client.get(url(owner.organization), {"q": "first"}).content.decode()
    assert "First Aid" in body and "Python Foundations" not in body
    assert 'value="first"' in body  # the search stays in its box

    partial = client.get(url(owner.organization), {"q": "python"}, headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert text.lstrip().startswith('<div id="group-results"')
    assert "<html" not in text
    assert "Python Foundations" in text and "First Aid" not in text


def test_a_search_that_matches_nothing_says_so_and_shows_the_query_as_text(member_login, owner):
    body = (
        member_login(owner.user)
        .get(url(owner.organization), {"q": "<script>alert(1)</script>"})
        .content.decode()
    )
    assert "No group matches your search" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body


def test_the_list_pages_through_many_groups(member_login, owner, group_factory):
    for n in range(55):
        group_factory(owner.organization, title=f"Course {n:02d}")
    client = member_login(owner.user)
    first = client.get(url(owner.organization)).context
    assert len(first["page"]["groups"]) == 50 and first["page"]["next_url"] == "?page=2"
    second = client.get(url(owner.organization), {"page": "2"}).context
    assert [g.title for g in second["page"]["groups"]] == [f"Course {n}" for n in range(50, 55)]


def test_the_list_shows_only_the_organizations_own_groups(
    member_login, owner, outsider, group_factory, never_group
):
    group_factory(outsider.organization, title="Globex Secret Course")
    body = member_login(owner.user).get(url(owner.organization)).content.decode()
    assert "Globex Secret Course" not in body


# --- create ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", MEMBERS)
def test_every_member_creates_a_group_with_every_field(member_login, actors, who):
    actor = actors[who]
    response = member_login(actor.user).post(url(actor.organization, "/new"), group_post())
    group = CredentialGroup.objects.get(organization=actor.organization)
    assert response.status_code == 302
    assert response["Location"] == url(actor.organization, f"/{group.key}")
    assert (group.title, group.code, group.achievement_type) == (
        "Machine Learning",
        "ML-101",
        "Course",
    )
    assert group.description == "Models that learn from data."
    assert group.criteria == "Passed the exam."
    assert group.image == "https://example.org/ml.png"
    assert (group.expiry_unit, group.expiry_amount) == ("years", 2)
    assert group.allow_duplicates is True
    assert group.custom_fields == ["custom_grade", "custom_hours"]
    assert group.default_privacy == "private"
    assert group.skills == [
        {"name": "Regression", "url": "https://example.org/skills/regression", "framework": "ESCO"}
    ]
    assert AuditEvent.objects.filter(action="group.created", object_id=str(group.pk)).exists()


def test_the_new_group_form_shows_every_field_with_limits_from_the_model(member_login, owner):
    body = member_login(owner.user).get(url(owner.organization, "/new")).content.decode()
    for name in (
        "title",
        "code",
        "achievement_type",
        "description",
        "criteria",
        "image",
        "expiry_unit",
        "expiry_amount",
        "allow_duplicates",
        "custom_fields",
        "default_privacy",
        "skills-0-name",
        "skills-0-url",
    ):
        assert f'name="{name}"' in body, name
    title_limit = CredentialGroup._meta.get_field("title").max_length
    assert f'maxlength="{title_limit}"' in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_create_signed_out_sends_to_sign_in_and_stores_nothing(client, acme):
    response = client.post(url(acme, "/new"), group_post())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not CredentialGroup.objects.exists()


def test_an_outsider_cannot_create_a_group_in_another_organization(member_login, outsider, acme):
    response = member_login(outsider.user).post(url(acme, "/new"), group_post())
    assert response.status_code == 404
    assert not CredentialGroup.objects.exists()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"custom_fields": "grade"}, "custom_fields", "must start with &#x27;custom_&#x27;"),
        ({"image": "ftp://example.org/x.png"}, "image", "image must be an http(s) URL"),
        ({"expiry_amount": "0"}, "expiry_amount", "needs a whole number between 1 and 1000"),
        ({"expiry_amount": ""}, "expiry_amount", "needs a whole number between 1 and 1000"),
        ({"title": "   "}, "title", "required"),
    ],
)
def test_a_refused_group_keeps_what_was_typed_and_says_why_next_to_the_field(
    member_login, owner, changes, field, message
):
    response = member_login(owner.user).post(url(owner.organization, "/new"), group_post(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field], form.errors
    body = response.content.decode()
    assert message in body
    assert f'id="id_{field}_error"' in body
    assert 'value="ML-101"' in body  # what was typed stays
    assert "Models that learn from data." in body
    assert not CredentialGroup.objects.exists()


def test_a_skill_without_its_url_is_refused_on_its_own_row(member_login, owner):
    data = group_post(**{"skills-1-name": "Clustering", "skills-1-url": ""})
    response = member_login(owner.user).post(url(owner.organization, "/new"), data)
    skills = response.context["skills"]
    assert skills.forms[1].errors["url"] == ["skills[1].url is required."]
    assert 'value="Clustering"' in response.content.decode()
    assert not CredentialGroup.objects.exists()


def test_a_title_longer_than_the_column_is_refused_by_the_form(member_login, owner):
    limit = CredentialGroup._meta.get_field("title").max_length
    response = member_login(owner.user).post(
        url(owner.organization, "/new"), group_post(title="x" * (limit + 1))
    )
    assert response.context["form"].errors["title"]
    assert not CredentialGroup.objects.exists()


# --- edit --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", MEMBERS)
def test_every_member_edits_a_group_and_the_form_starts_from_what_is_stored(
    member_login, actors, who, custom_group
):
    actor = actors[who]
    client = member_login(actor.user)
    page = client.get(url(actor.organization, f"/{custom_group.key}/edit"))
    assert page.status_code == 200
    assert "custom_grade\ncustom_hours" in page.content.decode()

    response = client.post(
        url(actor.organization, f"/{custom_group.key}/edit"),
        group_post(
            title="Data Science II", expiry_unit="never", expiry_amount="", allow_duplicates=None
        ),
    )
    assert response.status_code == 302
    custom_group.refresh_from_db()
    assert custom_group.title == "Data Science II"
    assert (custom_group.expiry_unit, custom_group.expiry_amount) == ("never", None)
    assert custom_group.allow_duplicates is False
    assert AuditEvent.objects.filter(
        action="group.updated", object_id=str(custom_group.pk)
    ).exists()


def test_edit_keeps_existing_skills_and_an_emptied_row_removes_one(
    member_login, owner, acme, group_factory
):
    group = group_factory(
        acme,
        title="Statistics",
        skills=[
            {"name": "Inference", "url": "https://example.org/inference", "code": "S1"},
            {"name": "Sampling", "url": "https://example.org/sampling"},
        ],
    )
    client = member_login(owner.user)
    body = client.get(url(acme, f"/{group.key}/edit")).content.decode()
    assert 'value="Inference"' in body and 'value="S1"' in body and 'value="Sampling"' in body
    data = group_post(
        title="Statistics",
        **{
            "skills-TOTAL_FORMS": "3",
            "skills-INITIAL_FORMS": "2",
            "skills-0-name": "Inference",
            "skills-0-url": "https://example.org/inference",
            "skills-0-framework": "",
            "skills-0-code": "S1",
            "skills-1-name": "",
            "skills-1-url": "",
        },
    )
    assert client.post(url(acme, f"/{group.key}/edit"), data).status_code == 302
    group.refresh_from_db()
    assert group.skills == [
        {"name": "Inference", "url": "https://example.org/inference", "code": "S1"}
    ]


def test_edit_of_another_organizations_group_is_404_and_changes_nothing(
    member_login, owner, outsider, group_factory
):
    theirs = group_factory(outsider.organization, title="Globex Course")
    client = member_login(owner.user)
    acme = owner.organization
    assert client.get(url(acme, f"/{theirs.key}/edit")).status_code == 404
    assert client.post(url(acme, f"/{theirs.key}/edit"), group_post()).status_code == 404
    assert client.get(url(acme, f"/{theirs.key}")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Globex Course"


def test_edit_signed_out_sends_to_sign_in(client, never_group, acme):
    response = client.post(url(acme, f"/{never_group.key}/edit"), group_post())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    never_group.refresh_from_db()
    assert never_group.title == "Python Foundations"


def test_an_outsider_cannot_edit_a_group_of_another_organization(
    member_login, outsider, never_group, acme
):
    response = member_login(outsider.user).post(url(acme, f"/{never_group.key}/edit"), group_post())
    assert response.status_code == 404
    never_group.refresh_from_db()
    assert never_group.title == "Python Foundations"


# --- a group's page ----------------------------------------------------------------------


@pytest.mark.parametrize("who", MEMBERS)
def test_a_groups_page_shows_its_recent_credentials_and_issue_this_credential(
    member_login, actors, who, owner, never_group, yearly_group
):
    services.issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
    )
    services.issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Grace",
        recipient_email="grace@example.org",
        draft=True,
    )
    services.issue(
        actor=owner,
        group_key=yearly_group.key,
        recipient_name="Linus",
        recipient_email="l@example.org",
    )
    actor = actors[who]
    response = member_login(actor.user).get(url(actor.organization, f"/{never_group.key}"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ada" in body and "Grace" in body and "Linus" not in body
    assert "Issue this credential" in body
    assert f"credentials/issue?group={never_group.key}" in body
    assert f"credentials?group={never_group.key}" in body
    assert "See all 2 credentials" in body
    assert "Edit group" in body


def test_a_groups_page_signed_out_sends_to_sign_in(client, never_group, acme):
    response = client.get(url(acme, f"/{never_group.key}"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_groups_page_for_an_outsider_is_404(member_login, outsider, never_group, acme):
    assert member_login(outsider.user).get(url(acme, f"/{never_group.key}")).status_code == 404


def test_an_unknown_group_key_is_404_not_500(member_login, owner):
    response = member_login(owner.user).get(url(owner.organization, "/nosuchgroup1"))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "مريم العربية",
        "שלום עליכם",
        "王小明",
        "देवनागरी नाम",
        "Zoë 🎓✨",
        "<script>alert(1)</script>",
        "{{7*7}}",
    ],
)
def test_names_in_any_script_show_as_themselves(member_login, owner, never_group, name):
    services.issue(
        actor=owner, group_key=never_group.key, recipient_name=name, recipient_email="n@example.org"
    )
    body = (
        member_login(owner.user)
        .get(url(owner.organization, f"/{never_group.key}"))
        .content.decode()
    )
    assert escape(name) in body
    if "<" in name:
        assert name not in body
    names = body.split("<tbody>")[1].split("</tbody>")[0]
    # what the rows show, not their links' random ids (one may hold "49")
    shown = re.sub(r'\s(href|id|data-[\w-]+)="[^"]*"', "", names)
    assert "49" not in shown.replace("n@example.org", "")


def test_odd_input_never_makes_a_500(member_login, owner, never_group):
    client = member_login(owner.user)
    organization = owner.organization
    assert client.get(url(organization), {"q": "py\x00thon"}).status_code == 200
    assert client.get(url(organization), {"page": "-3"}).status_code == 200
    assert client.get(url(organization), {"q": "x" * 5000}).status_code == 200
    response = client.post(url(organization, "/new"), group_post(title="a\x00b"))
    assert response.status_code == 200 and response.context["form"].errors["title"]
    response = client.post(url(organization, "/new"), {"title": "No management form"})
    assert response.status_code == 200
    assert client.put(url(organization, "/new")).status_code == 405


def test_a_history_restore_gets_the_whole_page_not_the_partial(member_login, owner, never_group):
    response = member_login(owner.user).get(
        url(owner.organization),
        {"q": "py"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]
