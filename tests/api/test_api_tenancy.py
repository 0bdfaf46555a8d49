"""Tenancy and roles for every endpoint: another organization's ids answer exactly like ids
that do not exist (404, never a 403 that would leak existence), for Admin and Issuer keys."""

import pytest

from laurel.bulk.models import BulkJob
from laurel.credentials.models import Credential, CredentialGroup
from laurel.organizations.models import ApiKey
from laurel.organizations.permissions import Actor

ROLES = ["admin", "issuer"]
MISSING_ID = "x" * 32
MISSING_KEY = "zzzzzzzzzzzz"


@pytest.fixture
def theirs(globex, group_factory):
    """globex's group, a published credential, a draft and an API key."""
    from laurel.credentials.services import issue
    from laurel.organizations.api_keys import create_api_key

    group = group_factory(globex, title="Globex Course")
    actor = Actor.system(globex)
    published = issue(
        actor=actor, group_key=group.key, recipient_name="Gil", recipient_email="gil@globex.org"
    )
    draft = issue(
        actor=actor,
        group_key=group.key,
        recipient_name="Dee",
        recipient_email="dee@globex.org",
        draft=True,
    )
    api_key, _ = create_api_key(actor=actor, name="Globex LMS", role="admin")
    from laurel.bulk.services import validate_and_submit

    job = validate_and_submit(
        actor=actor, group_key=group.key, recipients=[{"name": "Jo", "email": "jo@globex.org"}]
    )
    return {
        "bulk_job": job.pk,
        "group": group.key,
        "credential": published.id,
        "draft": draft.id,
        "api_key": str(api_key.pk),
    }


def snapshot():
    return (
        sorted(Credential.objects.values_list("id", "status", "recipient_name", "valid_until")),
        sorted(CredentialGroup.objects.values_list("key", "title", "allow_duplicates")),
        sorted(ApiKey.objects.values_list("id", "name", "revoked_at")),
        sorted(BulkJob.objects.values_list("id", "status", "cancel_requested_at")),
    )


# (method, path template, body template); {credential} / {group} are filled with their ids.
ID_ENDPOINTS = [
    ("GET", "/api/v1/credentials/{credential}", None),
    ("GET", "/api/v1/credentials/{credential}/document", None),
    ("POST", "/api/v1/credentials/{draft}/publish", {}),
    ("PATCH", "/api/v1/credentials/{draft}", {"recipient": {"name": "Mallory"}}),
    ("PATCH", "/api/v1/credentials/{credential}", {"valid_until": "2031-01-01T00:00:00Z"}),
    ("POST", "/api/v1/credentials/{credential}/revoke", {"reason": "mine now"}),
    ("POST", "/api/v1/credentials/{credential}/resend", {}),
    ("GET", "/api/v1/credentials?group={group}", None),
    (
        "POST",
        "/api/v1/credentials",
        {"group_key": "{group}", "recipient": {"name": "M", "email": "m@x.org"}},
    ),
    ("POST", "/api/v1/recipient-check", {"group": "{group}", "email": "gil@globex.org"}),
    ("GET", "/api/v1/groups/{group}", None),
    ("PATCH", "/api/v1/groups/{group}", {"title": "Mine"}),
    ("GET", "/api/v1/badges/{group}", None),
    ("PATCH", "/api/v1/badges/{group}", {"title": "Mine"}),
    ("DELETE", "/api/v1/api-keys/{api_key}", None),
    ("GET", "/api/v1/bulk-jobs/{bulk_job}", None),
    ("GET", "/api/v1/bulk-jobs/{bulk_job}/rows?status=failed", None),
    ("POST", "/api/v1/bulk-jobs/{bulk_job}/cancel", {}),
    ("POST", "/api/v1/bulk-jobs/{bulk_job}/retry-failed", {}),
    (
        "POST",
        "/api/v1/bulk-jobs/validate",
        {"group": "{group}", "recipients": [{"name": "M", "email": "m@x.org"}]},
    ),
    (
        "POST",
        "/api/v1/bulk-jobs",
        {"group": "{group}", "recipients": [{"name": "M", "email": "m@x.org"}]},
    ),
    ("GET", "/v1/credential/{credential}/view", None),
    ("POST", "/v1/credential/{draft}/publish", {}),
    ("POST", "/v1/credential/{credential}/update", {"expiry": 1924992000}),
    ("GET", "/v1/group/view/{group}", None),
    ("POST", "/v1/group/update/{group}", {"title": "Mine"}),
    (
        "POST",
        "/v1/credentials/generate",
        {"group_key": "{group}", "recipient": {"name": "M", "email": "m@x.org"}},
    ),
    (
        "POST",
        "/v1/credentials/new",
        {"group_key": "{group}", "recipient": {"name": "M", "email": "m@x.org"}},
    ),
]
# Refused by role before anything is looked up, whatever the id.
ROLE_REFUSED = {("issuer", "/revoke"), ("issuer", "/resend"), ("issuer", "{api_key}")}


def fill(template, ids):
    if template is None:
        return None
    if isinstance(template, dict):
        return {key: fill(value, ids) for key, value in template.items()}
    if isinstance(template, str):
        return template.format(**ids)
    return template


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, body", ID_ENDPOINTS)
def test_another_organizations_ids_answer_like_missing_ones(
    api, acme_keys, theirs, role, method, path, body
):
    before = snapshot()
    missing = {
        "credential": MISSING_ID,
        "draft": MISSING_ID,
        "group": MISSING_KEY,
        "api_key": "99999999",
        "bulk_job": "job_missingmissing",
    }
    response = api.call(method, fill(path, theirs), acme_keys.key(role), fill(body, theirs))
    control = api.call(method, fill(path, missing), acme_keys.key(role), fill(body, missing))
    assert (response.status_code, response.json()) == (control.status_code, control.json())
    refused = any(role == r and path.endswith(suffix) for r, suffix in ROLE_REFUSED)
    assert response.status_code == (403 if refused else 404), response.json()
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_the_keys_organization(api, acme_keys, theirs, role, never_group):
    key = acme_keys.key(role)
    assert api.get("/api/v1/credentials", key).json()["data"] == []
    assert [g["key"] for g in api.get("/api/v1/groups", key).json()["data"]] == [never_group.key]
    compat = api.post("/v1/credentials/all", key, {}).json()
    assert compat["credentials"] == []
    groups = api.post("/v1/groups/search", key, {}).json()["groups"]
    assert [g["key"] for g in groups] == [never_group.key]
    if role == "admin":
        names = {k["name"] for k in api.get("/api/v1/api-keys", key).json()["data"]}
        assert names == {"admin key", "issuer key"}


# What each role may do with its own organization's objects (DESIGN.md "Roles").
ROLE_TABLE = [
    ("POST", "/api/v1/credentials/{credential}/revoke", {"admin": 200, "issuer": 403}),
    ("POST", "/api/v1/webhooks", {"admin": 201, "issuer": 403}),
    ("GET", "/api/v1/api-keys", {"admin": 200, "issuer": 403}),
    ("POST", "/api/v1/api-keys", {"admin": 201, "issuer": 403}),
    ("POST", "/api/v1/credentials/{draft}/publish", {"admin": 200, "issuer": 200}),
    ("POST", "/api/v1/groups", {"admin": 201, "issuer": 201}),
    ("GET", "/api/v1/credentials/{credential}", {"admin": 200, "issuer": 200}),
    ("GET", "/api/v1/organization", {"admin": 200, "issuer": 200}),
    ("POST", "/api/v1/bulk-jobs/validate", {"admin": 200, "issuer": 200}),
    ("POST", "/api/v1/bulk-jobs", {"admin": 202, "issuer": 202}),
    ("GET", "/api/v1/bulk-jobs", {"admin": 200, "issuer": 200}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, expected", ROLE_TABLE)
def test_each_role_may_do_what_the_roles_table_says(
    api, acme_keys, never_group, role, method, path, expected
):
    from laurel.credentials.services import issue

    actor = Actor.system(acme_keys.organization)
    ids = {
        "credential": issue(
            actor=actor, group_key=never_group.key, recipient_name="A", recipient_email="a@x.org"
        ).id,
        "draft": issue(
            actor=actor,
            group_key=never_group.key,
            recipient_name="B",
            recipient_email="b@x.org",
            draft=True,
        ).id,
    }
    bodies = {
        "/api/v1/webhooks": {"url": "https://example.com/h", "events": ["credential.issued"]},
        "/api/v1/groups": {"title": "New group"},
        "/api/v1/api-keys": {"name": "New key"},
        "/api/v1/bulk-jobs/validate": {
            "group": never_group.key,
            "recipients": [{"name": "C", "email": "c@x.org"}],
        },
        "/api/v1/bulk-jobs": {
            "group": never_group.key,
            "recipients": [{"name": "C", "email": "c@x.org"}],
        },
    }
    response = api.call(
        method,
        path.format(**ids),
        acme_keys.key(role),
        bodies.get(path, {}) if method == "POST" else None,
    )
    assert response.status_code == expected[role], response.json()
