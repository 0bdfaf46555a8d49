"""`laurel org create`: scripted set-up of an organization, its owner and an API key."""

import json
import subprocess
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from laurel.organizations.api_keys import authenticate_api_key
from laurel.organizations.models import Membership, Organization
from tests.helpers.server import LAUREL, REPO, subprocess_env

pytestmark = pytest.mark.django_db


def org_create(*args: str) -> dict:
    out = StringIO()
    call_command("org", "create", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_org_create_prints_the_organization_the_owner_login_and_an_api_key():
    result = org_create(
        "--name", "Acme Academy", "--owner-email", "ada@example.org",
        "--plan", "professional", "--approved", "--api-key",
    )  # fmt: skip

    organization = Organization.objects.get(pk=result["organization"]["id"])
    assert result["organization"]["slug"] == organization.slug == "acme-academy"
    assert result["organization"]["did"] == organization.did
    assert organization.status == "approved" and organization.plan == "professional"
    assert organization.signing_keys.filter(status="active").count() == 1
    owner = authenticate(username="ada@example.org", password=result["owner"]["password"])
    assert owner is not None and result["owner"]["email"] == "ada@example.org"
    assert Membership.objects.get(organization=organization, user=owner).role == "owner"
    assert result["api_key"].startswith("crd_live_")
    actor = authenticate_api_key(raw_key=result["api_key"])
    assert actor is not None and actor.organization == organization


def test_a_pending_organization_gets_no_signing_key_and_no_api_key_unless_asked():
    result = org_create("--name", "Slow Start", "--owner-email", "bo@example.org")
    organization = Organization.objects.get(pk=result["organization"]["id"])
    assert organization.status == "pending" and organization.plan == "free"
    assert not organization.signing_keys.exists()
    assert "api_key" not in result


def test_the_given_password_is_the_owners_password():
    result = org_create(
        "--name", "Acme", "--owner-email", "cy@example.org", "--owner-password", "s3cret-Pass!"
    )
    assert result["owner"]["password"] == "s3cret-Pass!"
    assert authenticate(username="cy@example.org", password="s3cret-Pass!") is not None


def test_an_existing_owner_keeps_their_password_and_none_is_printed(user_factory):
    user_factory("dee@example.org", password="their own password")
    result = org_create("--name", "Second Org", "--owner-email", "DEE@example.org")
    assert result["owner"] == {"email": "dee@example.org", "password": None}
    assert authenticate(username="dee@example.org", password="their own password") is not None
    assert get_user_model().objects.filter(email__iexact="dee@example.org").count() == 1


def test_the_monthly_quota_override_is_stored():
    result = org_create(
        "--name", "Big Contract", "--owner-email", "ed@example.org",
        "--plan", "enterprise", "--monthly-quota", "25000",
    )  # fmt: skip
    assert Organization.objects.get(pk=result["organization"]["id"]).monthly_quota == 25000


# The real command in its own process: the test's data must be committed for it to see.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--owner-email", "not-an-email"], "'not-an-email' is not a valid email address."),
        (["--owner-email", "f@example.org", "--plan", "gold"], "Unknown plan 'gold'"),
        (["--owner-email", "f@example.org", "--monthly-quota", "-1"], "cannot be negative"),
        (["--owner-email", "f@example.org", "--slug", "taken"], "'taken' is taken"),
        (["--owner-email", "f@example.org", "--name", "N" * 201], "at most 200 characters"),
        # Not UTF-8 on the command line (b"\xff"): Python hands it over as a lone surrogate.
        (["--owner-email", "f@example.org", "--name", "Caf\udcff"], "not valid text"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line_and_writes_nothing(org_factory, args, message):
    assert org_factory("Taken").slug == "taken"
    before = (Organization.objects.count(), get_user_model().objects.count())
    finished = subprocess.run(
        [*LAUREL, "org", "create", "--name", "New Org", *args, "--json"],
        env=subprocess_env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    lines = finished.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], finished.stderr
    assert finished.stdout == ""
    assert (Organization.objects.count(), get_user_model().objects.count()) == before
