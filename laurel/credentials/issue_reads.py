"""The hand-written reads of the issue path, each returning a typed value.

Why they are hand-written: every issue runs them, and on PostgreSQL an issue's time is
mostly round trips. Here the API key comes with its organization in one statement, the
signing key, the group and whether a webhook listens in one statement after the lock, and
the recipient check is one plain SELECT; with both audit events in one INSERT, that took
an issue from 15 statements to 12 (commit 7e4d9e0; tests/api/test_issue_statements.py
keeps a ceiling). The SQL of each is built once per database vendor, so the ORM's cost
of compiling it again on every call is not paid either. `bench/reads.py` measures each
against its ORM equivalent in one run (2 loaded CPUs, 1 Dec 2026, per call):

    read                      SQLite: by hand   ORM             PostgreSQL: by hand   ORM
    API key + organization    0.27 ms           2.6 ms          1.1 ms               4.6 ms
    lock, then the context    0.47 ms (2 stmt)  6.5 ms (4 stmt) 7.6 ms (2 stmt)      14.2 ms (4)
    recipient check           0.22 ms           1.9 ms          0.8 ms               2.6 ms

`laurel.rows` turns what they fetch into the instances the ORM would give.

What they give up, knowingly:
- database routers: they run on the `default` connection, whatever a router would say
  (a read replica would need them routed by hand);
- signals: rows inserted without `save()` (`laurel.rows.insert`, as the audit events of an
  issue are) send no `post_save`; listeners use `laurel.organizations.audit.recorded`.

The atomic writes the ORM cannot express stay beside the rule they serve: the quota's
`INSERT … SELECT … ON CONFLICT` (organizations/quota.py), the status-list slot's
`UPDATE … RETURNING` (credentials/status_lists.py) and the rate-limit upsert
(api/ratelimit.py).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from laurel import rows
from laurel.credentials.models import Credential, CredentialGroup
from laurel.credentials.rules import PriorCredential
from laurel.organizations.models import ApiKey, Organization, SigningKey
from laurel.webhooks.models import WebhookSubscription

# --- the API key -----------------------------------------------------------------------


def live_api_key(key_hmac: str) -> ApiKey | None:
    """The unrevoked API key with this HMAC, its `organization` read with it (one statement)."""
    with connection.cursor() as cursor:
        cursor.execute(_api_key_sql(connection.vendor), [key_hmac])
        row = cursor.fetchone()
    if row is None:
        return None
    key_end = rows.width(ApiKey)
    api_key = rows.instance(ApiKey, row[:key_end])
    api_key.organization = rows.instance(Organization, row[key_end:])
    return api_key


@functools.cache
def _api_key_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT {rows.columns(ApiKey, 'k')}, {rows.columns(Organization, 'o')} "
        f"FROM {quote(ApiKey._meta.db_table)} k "
        f"JOIN {quote(Organization._meta.db_table)} o ON o.id = k.organization_id "
        f"WHERE k.key_hmac = %s AND k.revoked_at IS NULL"
    )


# --- the organization lock and what issuing reads after it ------------------------------


@dataclass(frozen=True)
class IssuingContext:
    """What an issue or a publish works with, read with the organization row locked.

    `organization` is the locked row; `signing_key` its active SigningKey (None: it has
    none); `group` the organization's CredentialGroup with the key asked for (None: no
    such group, or none asked); `webhooks_listen` whether a live webhook subscription
    exists (so that the credential events of the transaction cost no query when nobody
    listens). The key and the group hold `organization` as theirs.
    """

    organization: Organization
    signing_key: SigningKey | None
    group: CredentialGroup | None
    webhooks_listen: bool


def lock_for_issuing(
    organization: Organization, *, group_key: str | None = None, lock: bool = True
) -> IssuingContext:
    """Lock the organization row for this transaction (issues of one organization go one at
    a time), then read the IssuingContext.

    On PostgreSQL the lock is SELECT ... FOR NO KEY UPDATE: it excludes every other
    issuer's as FOR UPDATE would, but not the FOR KEY SHARE that PostgreSQL takes on the
    organization row to check a foreign key (at COMMIT: Django's constraints are
    deferred). Under FOR UPDATE, every transaction that wrote a row of the organization
    (a bulk worker's batch, an audit event) waited at its COMMIT for the issuer holding
    the lock, so two bulk workers ran one at a time (pg_stat_activity: COMMIT waiting on
    a transactionid lock). On SQLite the IMMEDIATE write transaction already serializes
    writers and there is nothing to lock.

    The lock is its own statement and the reads come in the next one: on PostgreSQL a
    statement that waited for the lock still reads the other tables as they were when it
    started, so an issue queued behind a key rotation would otherwise sign with the key
    the rotation just retired (tests/domain/test_concurrent_issue.py).

    `lock=False` reads the same without locking: what a bulk batch signs with ahead of
    the lock, to compare with what it reads once it holds it (credentials/batch.py).
    """
    if not isinstance(group_key, str) or "\x00" in group_key:
        group_key = None  # no group has it (and a NUL would not reach PostgreSQL)
    with connection.cursor() as cursor:
        cursor.execute(_lock_sql(connection.vendor, lock), [organization.pk])
        row = cursor.fetchone()
        if row is None:
            raise Organization.DoesNotExist(f"Organization {organization.pk} does not exist.")
        locked = rows.instance(Organization, row)
        cursor.execute(
            _context_sql(connection.vendor), [locked.pk, locked.pk, group_key, locked.pk]
        )
        row = cursor.fetchone()
    key_end = 1 + rows.width(SigningKey)
    signing_key = rows.instance(SigningKey, row[1:key_end])
    group = rows.instance(CredentialGroup, row[key_end:])
    for joined in (signing_key, group):
        if joined is not None:
            joined.organization = locked
    return IssuingContext(
        organization=locked, signing_key=signing_key, group=group, webhooks_listen=bool(row[0])
    )


@functools.cache
def _lock_sql(vendor: str, lock: bool = True) -> str:
    lock = " FOR NO KEY UPDATE" if lock and connection.features.has_select_for_update else ""
    table = connection.ops.quote_name(Organization._meta.db_table)
    return f"SELECT {rows.columns(Organization, 'o')} FROM {table} o WHERE o.id = %s{lock}"


@functools.cache
def _context_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT EXISTS (SELECT 1 FROM {quote(WebhookSubscription._meta.db_table)} w "
        f"WHERE w.organization_id = %s AND w.deleted_at IS NULL), "
        f"{rows.columns(SigningKey, 'k')}, {rows.columns(CredentialGroup, 'g')} "
        f"FROM (SELECT 1 AS one) AS here "
        f"LEFT JOIN {quote(SigningKey._meta.db_table)} k "
        f"ON k.organization_id = %s AND k.status = '{SigningKey.Status.ACTIVE}' "
        f"LEFT JOIN {quote(CredentialGroup._meta.db_table)} g "
        f"ON g.{quote('key')} = %s AND g.organization_id = %s"
    )


# --- the recipient check ---------------------------------------------------------------


def recipient_credentials(
    group: CredentialGroup, email_normalized: str, *, exclude_id: str | None = None
) -> list[PriorCredential]:
    """Every credential of `group` for this (normalized) email, drafts too, newest first
    (one SELECT: a recipient has few credentials per group)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _recipient_sql(connection.vendor),
            [group.organization_id, group.pk, email_normalized, exclude_id or ""],
        )
        found = cursor.fetchall()
    fields = ("id", "status", "valid_until")
    return [PriorCredential(*rows.converted(Credential, fields, row)) for row in found]


@functools.cache
def _recipient_sql(vendor: str) -> str:
    return (
        f"SELECT id, status, valid_until FROM {connection.ops.quote_name(Credential._meta.db_table)} "
        "WHERE organization_id = %s AND group_id = %s AND recipient_email_normalized = %s "
        "AND id <> %s ORDER BY created_at DESC, issued_on DESC"
    )


IN_LIST = 1000  # emails per statement of the batched read


def recipients_credentials(
    group: CredentialGroup, emails_normalized: Sequence[str]
) -> dict[str, list[PriorCredential]]:
    """`recipient_credentials` for many emails at once: for each (normalized) email that has
    any, its credentials of `group`, drafts too, newest first. One SELECT per thousand
    emails on SQLite, one joining the unnested array on PostgreSQL, on the (group,
    recipient_email_normalized) index: what the bulk review and `issue_many` read instead
    of one query per row.

    By group alone: the group is the organization's (the caller scoped it), and with the
    organization in the WHERE clause PostgreSQL may prefer an (organization, …) index and
    filter a million rows.
    """
    found: dict[str, list[PriorCredential]] = {}
    unique = list(dict.fromkeys(emails_normalized))
    fields = ("id", "status", "valid_until")
    if connection.vendor == "postgresql":  # one statement, one array parameter
        chunks = [[unique]] if unique else []
    else:  # SQLite: IN lists (its parameters per statement are limited)
        chunks = [unique[start : start + IN_LIST] for start in range(0, len(unique), IN_LIST)]
    with connection.cursor() as cursor:
        for chunk in chunks:
            params = (
                [chunk[0], group.pk] if connection.vendor == "postgresql" else [group.pk, *chunk]
            )
            cursor.execute(_recipients_sql(connection.vendor, len(chunk)), params)
            for email, *values in cursor.fetchall():
                found.setdefault(email, []).append(
                    PriorCredential(*rows.converted(Credential, fields, values))
                )
    return found


@functools.cache
def _recipients_sql(vendor: str, count: int) -> str:
    table = connection.ops.quote_name(Credential._meta.db_table)
    if vendor == "postgresql":
        # A join on the unnested array rather than `= ANY(array)`: for 10,000 emails
        # against a group of 1,000,000 credentials the planner reads `= ANY` with a
        # sequential scan (318 ms, bench/bulk.py's EXPLAIN), the join with an index probe
        # per email on (group, recipient_email_normalized).
        return (
            "SELECT c.recipient_email_normalized, c.id, c.status, c.valid_until "
            f"FROM unnest(%s::varchar[]) AS wanted(email) JOIN {table} c "
            "ON c.recipient_email_normalized = wanted.email AND c.group_id = %s "
            "ORDER BY c.created_at DESC, c.issued_on DESC"
        )
    emails = "IN (" + ", ".join(["%s"] * count) + ")"
    return (
        "SELECT recipient_email_normalized, id, status, valid_until "
        f"FROM {table} "
        f"WHERE group_id = %s AND recipient_email_normalized {emails} "
        "ORDER BY created_at DESC, issued_on DESC"
    )
