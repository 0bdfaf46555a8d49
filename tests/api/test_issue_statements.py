"""What one POST /api/v1/credentials asks of the database (counted, never timed): every
statement is a round trip, and on PostgreSQL round trips are most of an issue's time.

A ceiling, like assertNumQueries, and what touches which table; never their order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laurel.credentials.models import Credential
from laurel.organizations.models import AuditEvent
from laurel.webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


def issue_and_capture(api, acme_keys, group, email="ada@x.org"):
    body = {"group_key": group.key, "recipient": {"name": "Ada", "email": email}}
    with CaptureQueriesContext(connection) as captured:
        response = api.post("/api/v1/credentials", acme_keys.issuer_key, body)
    assert response.status_code == 201, response.content
    return response.json()["id"], [query["sql"] for query in captured.captured_queries]


def touching(statements, table):
    return [sql for sql in statements if f'"{table}"' in sql]


@pytest.mark.django_db(transaction=True)  # the service's transaction is the outermost one
def test_issue_and_publish_writes_the_credential_once_without_savepoints(
    api, acme_keys, never_group
):
    issue_and_capture(api, acme_keys, never_group, "warm@x.org")  # the first list is made here
    credential_id, statements = issue_and_capture(api, acme_keys, never_group)
    writes = [
        sql
        for sql in touching(statements, "credentials_credential")
        if sql.startswith(("INSERT", "UPDATE"))
    ]
    assert len(writes) == 1 and writes[0].startswith("INSERT")
    assert not [sql for sql in statements if "SAVEPOINT" in sql]
    stored = Credential.objects.get(pk=credential_id)
    assert stored.status == "published" and stored.document["proof"]
    # One statement counts both rate limits (per IP and per key).
    assert len(touching(statements, "api_ratelimitcounter")) == 1
    # One statement counts a new recipient against the quota, if there is room.
    assert len(touching(statements, "organizations_quotausage")) == 1
    # One statement takes the status-list slot.
    assert len(touching(statements, "credentials_statuslist")) == 1
    # One statement locks the organization; one other reads the signing key, the group and
    # the listeners (that it comes after the lock, so that an issue sees a key rotation it
    # waited for, is tests/domain/test_concurrent_issue.py's to prove, not this count's).
    (locking,) = [
        sql
        for sql in touching(statements, "organizations_organization")
        if not touching([sql], "organizations_apikey")  # the key's own
    ]
    assert locking.endswith("FOR NO KEY UPDATE") == (connection.vendor == "postgresql")
    (reading,) = touching(statements, "organizations_signingkey")
    assert touching([reading], "credentials_credentialgroup")
    assert touching([reading], "webhooks_webhooksubscription")
    # One statement records both events (issued, published).
    assert len(touching(statements, "organizations_auditevent")) == 1
    assert sorted(
        AuditEvent.objects.filter(object_id=credential_id).values_list("action", flat=True)
    ) == ["credential.issued", "credential.published"]
    assert len(statements) <= 13, "\n".join(statements)


def test_nobody_listening_costs_no_webhook_query(api, acme_keys, never_group):
    _, statements = issue_and_capture(api, acme_keys, never_group)
    asked = touching(statements, "webhooks_webhooksubscription")
    assert len(asked) == 1 and "EXISTS" in asked[0]  # with the key, after the lock
    assert not touching(statements, "webhooks_webhookdelivery")


def test_a_listener_still_hears_every_event_of_the_issue(api, acme_keys, never_group):
    WebhookSubscription.objects.create(
        organization=acme_keys.organization,
        url="https://hooks.example.org/laurel",
        events=["credential.issued", "credential.published"],
        secret="s" * 32,
    )
    credential_id, _ = issue_and_capture(api, acme_keys, never_group)
    events = sorted(
        WebhookDelivery.objects.filter(
            organization=acme_keys.organization, credential_id=credential_id
        ).values_list("event", flat=True)
    )
    assert events == ["credential.issued", "credential.published"]
