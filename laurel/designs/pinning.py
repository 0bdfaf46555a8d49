"""Which design versions a published credential keeps: pinned in the statement after the
credential is stored as published, whichever door published it (form, API, bulk).

One INSERT … SELECT, and only once per credential: later saves (a revocation, a new
expiry) find the row there and change nothing. A group without designs pins nulls (the
built-in default design), so a design chosen later does not change old certificates.
"""

from __future__ import annotations

from django.db import connection
from django.db.models.signals import post_save

from laurel.credentials.models import Credential


def pin_sql() -> str:
    from laurel.designs.models import CredentialDesign, Design, GroupDesign

    pins, groups, designs = (
        CredentialDesign._meta.db_table,
        GroupDesign._meta.db_table,
        Design._meta.db_table,
    )
    current = (
        f"(SELECT d.current_version_id FROM {groups} g JOIN {designs} d ON d.id = g.{{}}_id "
        f"WHERE g.group_id = %s)"
    )
    return (
        f"INSERT INTO {pins} (credential_id, certificate_version_id, badge_version_id) "
        f"SELECT %s, {current.format('certificate')}, {current.format('badge')} "
        f"WHERE NOT EXISTS (SELECT 1 FROM {pins} WHERE credential_id = %s)"
    )


def pin(credential_id: str, group_id: int) -> None:
    """Keep the versions `credential_id`'s group uses now, unless it already keeps some."""
    with connection.cursor() as cursor:
        cursor.execute(pin_sql(), [credential_id, group_id, group_id, credential_id])


def _on_save(sender, instance: Credential, raw: bool = False, **kwargs) -> None:
    if raw or instance.status != Credential.Status.PUBLISHED:
        return
    pin(instance.pk, instance.group_id)


def connect() -> None:
    post_save.connect(_on_save, sender=Credential, dispatch_uid="designs.pin_on_publish")
