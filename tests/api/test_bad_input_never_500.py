"""Inputs that once made a 500 (found by trying the API by hand): each is a clear 400 now,
and nothing is left half-written."""

import pytest

from laurel.credentials.models import Credential
from laurel.webhooks.models import WebhookSubscription

# Written by hand: json.dumps would escape the backslash.
LONE_SURROGATE_NAME = (
    '{"group_key": "%s", "recipient": {"name": "Ada \\ud800", "email": "a@x.org"}}'
)


@pytest.mark.parametrize("path", ["/api/v1/credentials", "/v1/credentials/new"])
def test_lone_surrogate_in_text_is_a_400(api, acme_keys, never_group, path):
    response = api.post(path, acme_keys.issuer_key, LONE_SURROGATE_NAME % never_group.key)
    assert response.status_code == 400, response.content
    assert response.json()["error_code"] == "invalid_characters"
    assert not Credential.objects.exists()


def test_a_surrogate_pair_is_a_character_like_any_other(api, acme_keys, never_group):
    body = LONE_SURROGATE_NAME.replace("\\ud800", "\\ud83c\\udf93") % never_group.key
    response = api.post("/api/v1/credentials", acme_keys.issuer_key, body)
    assert response.status_code == 201, response.content
    assert response.json()["recipientName"] == "Ada \N{GRADUATION CAP}"


@pytest.mark.parametrize(
    "dates",
    [
        {"issued_on": "9999-12-31T23:59:59Z"},  # plus a year of validity: past year 9999
        {"issued_on": "0001-01-01T00:00:00+14:00"},  # before year 1 in UTC
        {"valid_until": "9999-12-31T23:59:59Z"},
    ],
)
def test_dates_out_of_range_are_a_400(api, acme_keys, yearly_group, dates):
    body = {"group_key": yearly_group.key, "recipient": {"name": "Ada", "email": "a@x.org"}}
    response = api.post("/api/v1/credentials", acme_keys.issuer_key, {**body, **dates})
    assert response.status_code == 400, response.content
    assert "between the years" in response.json()["error"]
    assert not Credential.objects.exists()


@pytest.mark.parametrize("url", ["http://[::1", "http://exa mple.com/hook", "https://a.org/x\ny"])
def test_malformed_webhook_url_is_a_400(api, acme_keys, url):
    body = {"url": url, "events": ["credential.issued"]}
    response = api.post("/api/v1/webhooks", acme_keys.admin_key, body)
    assert response.status_code == 400, response.content
    assert "URL" in response.json()["error"]
    assert not WebhookSubscription.objects.exists()


def test_email_longer_than_the_column_is_a_400(api, acme_keys, never_group):
    # Django's email check allows 320 characters; the column (and RFC 5321) hold 254.
    email = ".".join(letter * 70 for letter in "abcd") + "@x.org"  # 289 characters
    body = {"group_key": never_group.key, "recipient": {"name": "Ada", "email": email}}
    response = api.post("/api/v1/credentials", acme_keys.issuer_key, body)
    assert response.status_code == 400, response.content
    assert response.json()["error_code"] == "validation_error"
    assert not Credential.objects.exists()


@pytest.mark.parametrize(
    "path, body_of",
    [
        (
            "/api/v1/credentials",
            lambda group, url: {
                "group_key": group.key,
                "recipient": {"name": "Ada", "email": "a@x.org"},
                "evidenceUrl": url,
            },
        ),
        ("/api/v1/groups", lambda group, url: {"title": "Long image", "image": url}),
    ],
)
def test_url_longer_than_its_column_is_a_400(api, acme_keys, never_group, path, body_of):
    url = "https://example.org/" + "p" * 600  # Django's URL check allows 2048 characters
    response = api.post(path, acme_keys.admin_key, body_of(never_group, url))
    assert response.status_code == 400, response.content
    assert "longer than 500" in response.json()["error"]
    assert not Credential.objects.exists()


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "on"])
@pytest.mark.parametrize(
    "method, path, field, body_of",
    [
        (
            "POST",
            "/api/v1/groups",
            "allow_duplicates",
            lambda v: {"title": "T", "allow_duplicates": v},
        ),
        ("PATCH", "/api/v1/groups/{group}", "allow_duplicates", lambda v: {"allow_duplicates": v}),
        (
            "POST",
            "/v1/groups/new",
            "allow_duplicates",
            lambda v: {"title": "T", "allow_duplicates": v},
        ),
        (
            "POST",
            "/api/v1/credentials",
            "draft",
            lambda v: {
                "group_key": "{group}",
                "recipient": {"name": "A", "email": "a@x.org"},
                "draft": v,
            },
        ),
    ],
)
def test_a_yes_or_no_field_takes_true_or_false_only(
    api, acme_keys, never_group, method, path, field, body_of, value
):
    from laurel.credentials.models import Credential, CredentialGroup

    body = body_of(value)
    if body.get("group_key"):
        body["group_key"] = never_group.key
    before = (Credential.objects.count(), CredentialGroup.objects.count())
    response = api.call(method, path.format(group=never_group.key), acme_keys.admin_key, body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]
    assert (Credential.objects.count(), CredentialGroup.objects.count()) == before
    never_group.refresh_from_db()
    assert never_group.allow_duplicates is False
