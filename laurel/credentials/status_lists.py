"""Status-list slots and bits: the part of publish and revoke that touches status lists."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from laurel.credentials.models import StatusList
from laurel.organizations.models import Organization, SigningKey
from laurel.organizations.selectors import active_signing_key


def allocate_slot(
    organization: Organization, *, now: datetime | None = None
) -> tuple[StatusList, int]:
    """Take a free index of the organization's revocation list (a new list when full).

    The slot is counted by one UPDATE ... RETURNING on the newest list (it locks the row, so
    two publishes never take the same one; the unique (status_list, index) constraint on
    Credential is the last line of defence), and the index is the list's scattered_index
    of that count: random-looking, never repeated.
    """
    from laurel.vc.status_list import scattered_index

    status_list = _take_next_position(organization)
    if status_list is None:
        _create_list(organization, now=now)
        status_list = _take_next_position(organization)
    position = status_list.next_index - 1
    index = scattered_index(
        position, length=status_list.length, key=status_list.index_key.encode("ascii")
    )
    return status_list, index


_TAKEN_FIELDS = ("id", "organization_id", "list_id", "purpose", "length", "next_index", "index_key")


def _take_next_position(organization: Organization) -> StatusList | None:
    """Count one more slot on the newest revocation list with room; None when it is full."""
    table = connection.ops.quote_name(StatusList._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field) for field in _TAKEN_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_index = next_index + 1 "
            f"WHERE id = (SELECT id FROM {table} WHERE organization_id = %s AND purpose = %s "
            f"ORDER BY created_at DESC, id DESC LIMIT 1) AND next_index < length "
            f"RETURNING {columns}",
            [organization.pk, StatusList.Purpose.REVOCATION],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    status_list = StatusList.from_db(connection.alias, list(_TAKEN_FIELDS), row)
    status_list.organization = organization
    return status_list


def _create_list(organization: Organization, *, now: datetime | None) -> StatusList:
    from laurel.vc.status_list import MIN_LENGTH, Bitstring

    status_list = StatusList.objects.create(
        organization=organization,
        purpose=StatusList.Purpose.REVOCATION,
        length=MIN_LENGTH,
        encoded_list=Bitstring(MIN_LENGTH).encode(),
    )
    sign_status_list(status_list, now=now)
    return status_list


def set_bit(
    status_list: StatusList, index: int, value: bool = True, *, now: datetime | None = None
) -> None:
    """Flip one bit and re-sign the list at once (verifiers see a revocation immediately)."""
    from laurel.vc.status_list import Bitstring

    status_list = StatusList.objects.select_for_update().get(pk=status_list.pk)
    bits = Bitstring.decode(status_list.encoded_list)
    bits.set(index, value)
    status_list.encoded_list = bits.encode()
    status_list.save(update_fields=["encoded_list"])
    sign_status_list(status_list, now=now)


def sign_status_list(
    status_list: StatusList, *, key: SigningKey | None = None, now: datetime | None = None
) -> dict | None:
    """Sign the list's BitstringStatusListCredential and store it on the row.

    Without an active key (a suspended organization, say) the document is cleared, and
    the public view can say the list cannot be served rather than serve a stale one.
    """
    from laurel.vc import proof
    from laurel.vc.status_list import build_status_list_credential

    now = now or timezone.now()
    organization = status_list.organization
    key = key or active_signing_key(organization)
    document = None
    if key is not None:
        unsigned = build_status_list_credential(
            list_url=status_list.url,
            issuer_id=organization.did,
            purpose=status_list.purpose,
            encoded_list=status_list.encoded_list,
            valid_from=now,
        )
        document = proof.sign(
            unsigned,
            private_key=key.private_key(),
            verification_method=key.verification_method,
            created=now,
        )
    status_list.document = document
    status_list.updated_at = now
    status_list.save(update_fields=["document", "updated_at"])
    return document
