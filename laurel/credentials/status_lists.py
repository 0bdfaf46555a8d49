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
    """Take a free index of the organization's revocation list (a new list when full)."""
    return allocate_slots(organization, 1, now=now)[0]


def allocate_slots(
    organization: Organization, count: int, *, now: datetime | None = None
) -> list[tuple[StatusList, int]]:
    """Take `count` free indexes of the organization's revocation list (a new list when it
    is full), in one statement unless the list fills up on the way.

    The slots are counted by one UPDATE ... RETURNING on the newest list (it locks the row,
    so two publishes never take the same one; the unique (status_list, index) constraint
    on Credential is the last line of defence), and each index is the list's
    scattered_index of its position: random-looking, never repeated.
    """
    slots: list[tuple[StatusList, int]] = []
    for status_list, first, taken in _take(organization, count, now=now):
        slots += _slots(status_list, first, taken)
    return slots


def reserve_slots(
    organization: Organization, count: int, *, now: datetime | None = None
) -> list[list[int]]:
    """Take `count` slots as `allocate_slots` does, for later: [[status list id, first
    position, how many], ...], to keep (a bulk chunk keeps its own) and hand out with
    `reserved_slots`. A slot reserved and never used stays a 0 bit nobody points at."""
    return [
        [status_list.pk, first, taken]
        for status_list, first, taken in _take(organization, count, now=now)
    ]


def reserved_slots(
    organization: Organization, ranges: list[list[int]], *, skip: int, take: int
) -> list[tuple[StatusList, int]] | None:
    """Slots `skip` to `skip + take` of reserved `ranges` (one query for their lists);
    None when the ranges hold fewer."""
    lists = {
        status_list.pk: status_list
        for status_list in StatusList.objects.filter(
            organization=organization, pk__in={pk for pk, _, _ in ranges}
        )
    }
    slots: list[tuple[StatusList, int]] = []
    for pk, first, count in ranges:
        if skip >= count:
            skip -= count
            continue
        if pk not in lists:
            return None
        lists[pk].organization = organization
        wanted = min(count - skip, take - len(slots))
        slots += _slots(lists[pk], first + skip, wanted)
        skip = 0
        if len(slots) == take:
            return slots
    return slots if len(slots) == take else None


def _slots(status_list: StatusList, first: int, count: int) -> list[tuple[StatusList, int]]:
    from laurel.vc.status_list import scattered_indexes

    key = status_list.index_key.encode("ascii")
    indexes = scattered_indexes(first, count, length=status_list.length, key=key)
    return [(status_list, index) for index in indexes]


def _take(organization: Organization, count: int, *, now) -> list[tuple[StatusList, int, int]]:
    """Count `count` more slots taken: [(list, first position, how many)]."""
    taken_so_far = 0
    ranges = []
    while taken_so_far < count:
        wanted = count - taken_so_far
        status_list = _take_next_position(organization, wanted)
        taken = wanted
        if status_list is None and wanted > 1:  # less room than asked: one at a time
            status_list, taken = _take_next_position(organization, 1), 1
        if status_list is None:
            _create_list(organization, now=now)
            continue
        first = status_list.next_index - taken
        if ranges and ranges[-1][0].pk == status_list.pk and ranges[-1][1] + ranges[-1][2] == first:
            ranges[-1] = (ranges[-1][0], ranges[-1][1], ranges[-1][2] + taken)
        else:
            ranges.append((status_list, first, taken))
        taken_so_far += taken
    return ranges


_TAKEN_FIELDS = ("id", "organization_id", "list_id", "purpose", "length", "next_index", "index_key")


def _take_next_position(organization: Organization, count: int = 1) -> StatusList | None:
    """Count `count` more slots on the newest revocation list; None when it has not room
    for as many (its next_index is then the last position taken, plus one)."""
    table = connection.ops.quote_name(StatusList._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field) for field in _TAKEN_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_index = next_index + %s "
            f"WHERE id = (SELECT id FROM {table} WHERE organization_id = %s AND purpose = %s "
            f"ORDER BY created_at DESC, id DESC LIMIT 1) AND next_index + %s <= length "
            f"RETURNING {columns}",
            [count, organization.pk, StatusList.Purpose.REVOCATION, count],
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
    set_bits(status_list, [index], value, now=now)


def set_bits(
    status_list: StatusList, indexes, value: bool = True, *, now: datetime | None = None
) -> None:
    """Flip bits of one list and re-sign it once (a batch's revocations)."""
    from laurel.vc.status_list import Bitstring

    status_list = StatusList.objects.select_for_update().get(pk=status_list.pk)
    bits = Bitstring.decode(status_list.encoded_list)
    for index in indexes:
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
