"""Credential groups in a real browser: the empty state, create a group with every field
(skill rows added by the page), its page, the live search, edit; every page checked by axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from laurel.credentials import services
from laurel.credentials.models import CredentialGroup
from laurel.organizations.models import Membership
from laurel.organizations.permissions import Actor
from tests.web.conftest import PASSWORD, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def academy(org_factory, user_factory):
    user = user_factory("owner@academy.example", password=PASSWORD)
    return org_factory("Academy of Everything", owner=user)


def signed_in(page, organization) -> None:
    sign_in(page, "owner@academy.example")
    page.wait_for_url(f"**/organizations/{organization.slug}/")


def test_create_a_group_with_every_field_from_the_empty_state(page, academy):
    signed_in(page, academy)
    page.get_by_role("link", name="Credential groups").click()
    page.wait_for_url(f"**/organizations/{academy.slug}/groups")
    assert page.get_by_text("No credential groups yet").is_visible()
    look(page, "groups-empty")

    page.get_by_role("link", name="Create your first group").click()
    page.get_by_label("Title").fill("Machine Learning <b>I</b>")
    page.locator("#id_code").fill("ML-101")
    page.get_by_label("Kind of achievement").fill("Course")
    page.locator("#id_description").fill("Models that learn from data.\nAnd how to judge them.")
    page.get_by_label("Criteria").fill("Passed the final exam.")
    page.get_by_label("Image URL").fill("https://example.org/ml.png")
    assert page.get_by_label("Expires after").is_hidden()  # "never" needs no amount
    page.get_by_label("Expiry").select_option("months")
    page.get_by_label("Expires after").fill("18")
    page.get_by_label("Allow duplicates").check()
    page.get_by_label("Private: only the recipient").check()
    page.get_by_label("Custom fields").fill("custom_grade\ncustom_hours")
    page.locator("#id_skills-0-name").fill("Regression")
    page.locator("#id_skills-0-url").fill("https://example.org/skills/regression")
    page.get_by_role("button", name="Add another skill").click()
    page.locator("#id_skills-1-name").fill("Clustering")
    page.locator("#id_skills-1-url").fill("https://example.org/skills/clustering")
    page.locator("#id_skills-1-framework").fill("ESCO")
    look(page, "group-form-new")
    page.get_by_role("button", name="Create group").click()

    group = CredentialGroup.objects.get(organization=academy)
    page.wait_for_url(f"**/groups/{group.key}")
    assert (group.expiry_unit, group.expiry_amount, group.allow_duplicates) == ("months", 18, True)
    assert group.default_privacy == "private"
    assert [skill["name"] for skill in group.skills] == ["Regression", "Clustering"]
    assert group.skills[1]["framework"] == "ESCO"
    assert page.get_by_role("heading", name="Machine Learning <b>I</b>").is_visible()
    assert page.get_by_text("Valid for 18 months").first.is_visible()
    assert page.get_by_text("No credentials of this group yet.").is_visible()
    look(page, "group-page-empty")
    assert page.dialogs == []


def test_a_refused_group_shows_the_services_message_next_to_the_field(page, academy):
    signed_in(page, academy)
    page.goto(f"/organizations/{academy.slug}/groups/new")
    page.get_by_label("Title").fill("Statistics")
    page.get_by_label("Custom fields").fill("grade")
    page.get_by_role("button", name="Create group").click()
    error = page.locator("#id_custom_fields_error")
    expect(error).to_contain_text("must start with 'custom_'")
    assert page.get_by_label("Title").input_value() == "Statistics"
    look(page, "group-form-error")
    assert not CredentialGroup.objects.exists()


def test_a_groups_page_lists_its_credentials_and_issues_from_it(page, academy, group_factory):
    owner = Actor(
        organization=academy,
        role="owner",
        user=Membership.objects.get(organization=academy, role="owner").user,
    )
    group = group_factory(
        academy,
        title="First Aid",
        code="FA-1",
        expiry_unit="years",
        expiry_amount=1,
        image="https://example.org/first-aid.png",
        skills=[{"name": "CPR", "url": "https://example.org/cpr"}],
        custom_fields=["custom_grade"],
    )
    for n, name in enumerate(
        ["مريم العربية", "שלום עליכם", "王小明", "देवनागरी", "Zoë 🎓", "{{7*7}}"]
    ):
        services.issue(
            actor=owner,
            group_key=group.key,
            recipient_name=name,
            recipient_email=f"r{n}@example.org",
            draft=n == 2,
        )
    services.issue(
        actor=owner,
        group_key=group.key,
        recipient_name="<script>alert(1)</script>",
        recipient_email="x@example.org",
    )
    signed_in(page, academy)
    page.goto(f"/organizations/{academy.slug}/groups/{group.key}")
    for name in ["مريم العربية", "שלום עליכם", "王小明", "{{7*7}}", "<script>alert(1)</script>"]:
        assert page.locator(".recipient-name", has_text=name).is_visible(), name
    assert (
        page.get_by_role("link", name="See all 7 credentials")
        .get_attribute("href")
        .endswith(f"/credentials?group={group.key}")
    )
    look(page, "group-page")
    assert page.dialogs == []
    page.get_by_role("link", name="Issue this credential").click()
    page.wait_for_url(f"**/credentials/issue?group={group.key}")
    assert page.get_by_label("Grade").is_visible()


def test_the_list_filters_as_the_name_is_typed_and_without_javascript(
    page, browser, live_server, academy, group_factory
):
    for title in ["First Aid", "Python Foundations", "Data Science", "دورة اللغة العربية"]:
        group_factory(academy, title=title)
    signed_in(page, academy)
    page.goto(f"/organizations/{academy.slug}/groups")
    rows = page.locator("#group-results tbody tr")
    expect(rows).to_have_count(4)
    look(page, "groups-list")
    page.get_by_label("Search groups by name").press_sequentially("pyth", delay=20)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Python Foundations")
    assert "q=pyth" in page.url  # the filter stays in the address
    page.get_by_label("Search groups by name").fill("nothing like it")
    expect(page.get_by_text("No group matches your search")).to_be_visible()
    look(page, "groups-search-empty")

    # Without JavaScript the same box is a plain GET form.
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    plain = context.new_page()
    sign_in(plain, "owner@academy.example")
    plain.goto(f"/organizations/{academy.slug}/groups")
    plain.get_by_label("Search groups by name").fill("data")
    plain.get_by_role("button", name="Search").click()
    plain.wait_for_url("**/groups?q=data")
    assert plain.locator("#group-results tbody tr").count() == 1
    context.close()


def test_edit_a_group(page, academy, group_factory):
    group = group_factory(academy, title="Data Science", custom_fields=["custom_grade"])
    signed_in(page, academy)
    page.goto(f"/organizations/{academy.slug}/groups/{group.key}")
    page.get_by_role("link", name="Edit group").click()
    assert page.get_by_label("Custom fields").input_value() == "custom_grade"
    look(page, "group-form-edit")
    page.get_by_label("Title").fill("Data Science II")
    page.get_by_label("Expiry").select_option("days")
    page.get_by_label("Expires after").fill("90")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"**/groups/{group.key}")
    assert page.get_by_text("Group “Data Science II” saved.").is_visible()
    group.refresh_from_db()
    assert (group.title, group.expiry_unit, group.expiry_amount) == ("Data Science II", "days", 90)
