"""The wallet shows a person's credentials from every verified address; the public
profile shows only what they list, and only public credentials."""

from __future__ import annotations

import pytest

from laurel.analytics.selectors import credential_totals
from laurel.analytics.services import flush
from laurel.organizations.errors import NotFound
from laurel.organizations.errors import ValidationError as DomainValidationError
from laurel.recipients.models import ProfileListing
from laurel.recipients.services import set_listing, update_profile

pytestmark = pytest.mark.django_db


def test_the_wallet_shows_credentials_of_every_verified_address_and_nothing_else(
    member_login, recipient, add_email, acme, group_factory, issue_to, globex, outsider
):
    from laurel.credentials.services import issue

    add_email(recipient, "ada@work.example")
    add_email(recipient, "ada@old.example", verified=False)
    mine = issue_to(group_factory(acme, title="Home course"))
    work = issue_to(group_factory(acme, title="Work course"), email="ADA@work.example")
    globex_group = group_factory(globex, title="Globex course")
    other_org = issue(
        actor=outsider,
        group_key=globex_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
    )
    issue_to(group_factory(acme, title="Unverified course"), email="ada@old.example")
    issue_to(group_factory(acme, title="Draft course"), draft=True)
    issue_to(group_factory(acme, title="Grace course"), email="grace@example.org")

    client = member_login(recipient)
    response = client.get("/wallet")
    page = response.content.decode()
    assert response.status_code == 200
    for credential in (mine, work, other_org):
        assert credential.group.title in page
        assert f"/credential/{credential.pk}.json" in page
        assert f"/credential/{credential.pk}.png" in page
        assert f"/credential/{credential.pk}.svg" in page
        assert f"/credential/{credential.pk}.pdf" in page
    for title in ("Unverified course", "Draft course", "Grace course"):
        assert title not in page
    # Through the page's LinkedIn address, which counts the add for the issuer, then
    # sends the recipient to LinkedIn's filled-in form.
    assert f'href="http://127.0.0.1:8000/credential/{mine.pk}/linkedin"' in page
    added = client.get(f"/credential/{mine.pk}/linkedin")
    assert added["Location"].startswith("https://www.linkedin.com/profile/add?")
    flush()
    assert credential_totals(mine).linkedin_adds == 1
    assert "<svg" in page and 'class="segno"' in page  # the wallet URL's QR code


def test_the_wallet_needs_a_sign_in(client):
    response = client.get("/wallet")
    assert response.status_code == 302
    assert response["Location"] == "/recipients/sign-in?next=/wallet"


def test_names_show_as_themselves(member_login, recipient, never_group, issue_to):
    issue_to(never_group, name="<script>alert(1)</script> {{7*7}}")
    page = member_login(recipient).get("/wallet").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}}" in page
    assert "<script>alert(1)" not in page


def test_a_private_credential_can_never_be_listed(recipient, never_group, issue_to):
    private = issue_to(never_group, privacy="private")
    with pytest.raises(DomainValidationError):
        set_listing(user=recipient, credential_id=private.pk, visible=True)
    assert not ProfileListing.objects.exists()


def test_someone_elses_credential_cannot_be_listed(member_login, recipient, never_group, issue_to):
    theirs = issue_to(never_group, email="grace@example.org")
    with pytest.raises(NotFound):
        set_listing(user=recipient, credential_id=theirs.pk, visible=True)
    response = member_login(recipient).post(f"/wallet/{theirs.pk}/listing", {"visible": "1"})
    assert response.status_code == 404


def test_the_profile_is_off_until_turned_on(client, recipient, never_group, issue_to):
    credential = issue_to(never_group)
    set_listing(user=recipient, credential_id=credential.pk, visible=True)
    update_profile(user=recipient, slug="ada-lovelace", display_name="Ada", is_public=False)
    assert client.get("/u/ada-lovelace").status_code == 404
    assert client.get("/u/nobody-here").status_code == 404
    update_profile(user=recipient, slug="ada-lovelace", display_name="Ada", is_public=True)
    response = client.get("/u/ada-lovelace")
    assert response.status_code == 200
    assert never_group.title in response.content.decode()


def test_the_profile_shows_only_listed_public_credentials(
    client, recipient, acme, group_factory, issue_to, owner
):
    from laurel.credentials.services import revoke

    listed = issue_to(group_factory(acme, title="Listed course"))
    issue_to(group_factory(acme, title="Unlisted course"))
    private = issue_to(group_factory(acme, title="Private course"), privacy="private")
    revoked = issue_to(group_factory(acme, title="Revoked course"))
    set_listing(user=recipient, credential_id=listed.pk, visible=True)
    set_listing(user=recipient, credential_id=revoked.pk, visible=True)
    revoke(actor=owner, credential_id=revoked.pk, reason="Mistake")
    # Even a listing row for a private credential (written around the service) never shows.
    ProfileListing.objects.create(user=recipient, credential=private, visible=True)
    update_profile(user=recipient, slug="ada", display_name="Ada Lovelace", is_public=True)

    page = client.get("/u/ada").content.decode()
    assert "Ada Lovelace" in page
    assert "Listed course" in page and f"/credential/{listed.pk}" in page
    for hidden in ("Unlisted course", "Private course", "Revoked course", private.pk):
        assert hidden not in page


def test_listing_through_the_wallet_page(member_login, recipient, never_group, issue_to):
    credential = issue_to(never_group)
    client = member_login(recipient)
    response = client.post(f"/wallet/{credential.pk}/listing", {"visible": "1"})
    assert response.status_code == 302
    assert ProfileListing.objects.get(credential=credential).visible
    response = client.post(
        f"/wallet/{credential.pk}/listing", {"visible": "0"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Show on my profile" in response.content.decode()
    assert not ProfileListing.objects.get(credential=credential).visible


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"slug": "Ada Lovelace!", "display_name": "Ada", "is_public": True}, "slug"),
        ({"slug": "", "display_name": "Ada", "is_public": True}, "slug"),
        ({"slug": "wallet", "display_name": "Ada", "is_public": True}, "slug"),
        ({"slug": "ada", "display_name": "", "is_public": True}, "display_name"),
    ],
)
def test_profile_settings_refuse_bad_input_next_to_the_field(
    member_login, recipient, fields, field
):
    response = member_login(recipient).post("/wallet/profile", fields)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()


def test_a_taken_address_is_refused(recipient, user_factory):
    update_profile(user=user_factory(), slug="ada", display_name="Other Ada", is_public=True)
    with pytest.raises(DomainValidationError) as error:
        update_profile(user=recipient, slug="ada", display_name="Ada", is_public=True)
    assert error.value.field == "slug"


def test_a_recipient_adds_and_confirms_another_address_then_sees_its_credentials(
    member_login, recipient, acme, group_factory, issue_to
):
    import re

    from django.core import mail

    issue_to(group_factory(acme, title="Night school"), email="ada@night.example")
    client = member_login(recipient)
    assert "Night school" not in client.get("/wallet").content.decode()
    mail.outbox.clear()
    response = client.post("/accounts/email/", {"email": "ada@night.example", "action_add": ""})
    assert response.status_code == 302
    assert "Night school" not in client.get("/wallet").content.decode()  # not confirmed yet

    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    assert client.post(link).status_code == 302
    assert "Night school" in client.get("/wallet").content.decode()


def test_a_signed_in_person_without_an_organization_lands_in_their_wallet(member_login, recipient):
    response = member_login(recipient).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/wallet"
