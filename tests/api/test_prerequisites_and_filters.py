"""Audit gaps: each prerequisite failure answers with its own code in both dialects, and
the credential list filters by every field it offers (unknown values are a 400)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.credentials.models import Credential
from laurel.credentials.services import issue
from laurel.organizations.models import SigningKey
from tests.api.conftest import keys_for

pytestmark = pytest.mark.django_db

PATHS = ["/api/v1/credentials", "/v1/credentials/new", "/v1/credentials/generate"]


def body(group, email="ada@x.org"):
    return {"group_key": group.key, "recipient": {"name": "Ada", "email": email}}


@pytest.mark.parametrize("path", PATHS)
def test_organization_without_an_active_key_answers_no_signing_key(
    api, acme_keys, never_group, path
):
    SigningKey.objects.filter(organization=acme_keys.organization).update(
        status="retired", retired_at=timezone.now()
    )
    response = api.post(path, acme_keys.issuer_key, body(never_group))
    assert response.status_code == 403, response.content
    assert response.json()["error_code"] == "no_signing_key"
    assert response.json()["success"] is False
    assert not Credential.objects.exists()


@pytest.mark.parametrize("path", PATHS)
def test_pending_organization_answers_organization_not_approved(
    api, org_factory, group_factory, path
):
    org = keys_for(org_factory("Pending", approved=False))
    response = api.post(path, org.issuer_key, body(group_factory(org.organization)))
    assert response.status_code == 403
    assert response.json()["error_code"] == "organization_not_approved"
    assert not Credential.objects.exists()


@pytest.fixture
def three_credentials(issuer, never_group, yearly_group):
    now = timezone.now()
    old = issue(
        actor=issuer,
        group_key=never_group.key,
        recipient_name="Old",
        recipient_email="old@x.org",
        issued_on=now - timedelta(days=40),
    )
    recent = issue(
        actor=issuer,
        group_key=yearly_group.key,
        recipient_name="Recent",
        recipient_email="recent@x.org",
        privacy="private",
    )
    draft = issue(
        actor=issuer,
        group_key=never_group.key,
        recipient_name="Draft",
        recipient_email="draft@x.org",
        draft=True,
    )
    return old, recent, draft


def listed(api, key, query):
    response = api.get(f"/api/v1/credentials?{query}", key)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["data"]}


def test_credentials_filter_by_issue_dates_and_privacy(api, acme_keys, three_credentials):
    old, recent, draft = three_credentials
    cutoff = (timezone.now() - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    key = acme_keys.issuer_key
    assert old.id in listed(api, key, f"issued_before={cutoff}")
    assert recent.id not in listed(api, key, f"issued_before={cutoff}")
    assert old.id not in listed(api, key, f"issued_after={cutoff}")
    assert recent.id in listed(api, key, f"issued_after={cutoff}")
    assert listed(api, key, "privacy=private") == {recent.id}
    assert listed(api, key, "status=draft") == {draft.id}


@pytest.mark.parametrize("query", ["status=weird", "privacy=secret"])
def test_unknown_filter_value_is_a_400_not_an_empty_list(api, acme_keys, query):
    response = api.get(f"/api/v1/credentials?{query}", acme_keys.issuer_key)
    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_error"


@pytest.mark.parametrize("field, value", [("status", "weird"), ("privacy", "secret")])
def test_hyperstack_search_refuses_unknown_filter_values(api, acme_keys, field, value):
    response = api.post("/v1/credentials/search", acme_keys.issuer_key, {field: value})
    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_error"


def test_a_date_filter_in_a_far_time_zone_is_read_in_utc(api, acme_keys, three_credentials):
    old, recent, _ = three_credentials
    # +20:41 is more than PostgreSQL can store as an offset; it is the same instant in UTC.
    cutoff = (timezone.now() - timedelta(days=10)).astimezone(timezone.get_fixed_timezone(1241))
    query = "issued_before=" + cutoff.strftime("%Y-%m-%dT%H:%M:%S%z").replace("+", "%2B")
    assert old.id in listed(api, acme_keys.issuer_key, query)
    assert recent.id not in listed(api, acme_keys.issuer_key, query)


@pytest.mark.parametrize(
    "query",
    [
        "issued_before=0001-01-01T00:00:00%2B20:41",  # before year 1 in UTC
        "issued_after=9999-12-31T23:59:59-20:00",  # after year 9999 in UTC
        "issued_after=0894-03-01T09:49:50Z",
    ],
)
def test_a_date_filter_out_of_range_is_a_400(api, acme_keys, query):
    response = api.get(f"/api/v1/credentials?{query}", acme_keys.issuer_key)
    assert response.status_code == 400, response.content
    assert response.json()["error_code"] == "validation_error"
    assert "between the years" in response.json()["error"]


def test_an_issue_date_in_a_far_time_zone_is_stored_in_utc(api, acme_keys, never_group):
    sent = {**body(never_group), "issued_on": "2026-01-01T20:57:14+20:41"}
    response = api.post("/api/v1/credentials", acme_keys.issuer_key, sent)
    assert response.status_code == 201, response.content
    stored = Credential.objects.get(pk=response.json()["id"])
    assert stored.issued_on.isoformat() == "2026-01-01T00:16:14+00:00"
