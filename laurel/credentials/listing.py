"""The credentials list: filters → one page of rows, in keyset order, cheap at any depth.

Rows come newest first, ordered by (created_at, id) descending, so a page is an index range
scan from a cursor (the last row seen), never an OFFSET: page 2,000 costs what page 1
costs. The count is capped (COUNT_CAP + 1 rows at most are counted). Each row carries
what the list shows beside the credential, read in the page's own query: its latest email
delivery and the credential that renews it; and when its email may be resent.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.db import connection, models
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from laurel.bulk.rows import csv_safe as rows_csv_safe
from laurel.credentials import rules
from laurel.credentials.models import Credential, CredentialGroup, Privacy
from laurel.mail.models import EmailDelivery
from laurel.organizations.errors import ValidationError
from laurel.organizations.models import Organization
from laurel.organizations.tenancy import scoped

_CREDENTIAL_ID = re.compile(r"[A-Za-z0-9_-]{32}")

PAGE_SIZE = 50
COUNT_CAP = 1_000
SEARCH_MAX_LENGTH = 100

# What the list calls a credential's status: "expired" is a published one past valid_until.
DRAFT, PUBLISHED, EXPIRED, REVOKED = "draft", "published", "expired", "revoked"
STATUSES = (DRAFT, PUBLISHED, EXPIRED, REVOKED)
EMAIL_FAILED = "failed"

_COLUMNS = (
    "id",
    "recipient_name",
    "recipient_email",
    "status",
    "issued_on",
    "valid_until",
    "privacy",
    "supersedes_id",
    "revoked_at",
    "revocation_reason",
    "created_at",
    "group__title",
    "group__key",
)


@dataclass(frozen=True, slots=True)
class Listed:
    """What the list shows of a credential (read as plain values: no model to build)."""

    id: str
    recipient_name: str
    recipient_email: str
    status: str  # the stored status: draft | published | revoked
    issued_on: datetime | None
    valid_until: datetime | None
    privacy: str
    supersedes_id: str | None
    revoked_at: datetime | None
    revocation_reason: str
    created_at: datetime
    group_title: str
    group_key: str

    @property
    def url(self) -> str:
        return f"{settings.LAUREL_BASE_URL}/credential/{self.id}"


@dataclass(frozen=True)
class Filters:
    """What the issuer asked for; every field optional. `group` is a group's public key."""

    search: str = ""
    group: str = ""
    status: str = ""
    privacy: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    email: str = ""  # "failed": the latest email to the recipient failed

    def __post_init__(self) -> None:
        if len(self.search) > SEARCH_MAX_LENGTH:
            raise ValidationError(
                f"Search for at most {SEARCH_MAX_LENGTH} characters.", field="search"
            )
        if self.status and self.status not in STATUSES:
            raise ValidationError(f"Unknown status {self.status!r}.", field="status")
        if self.privacy and self.privacy not in Privacy.values:
            raise ValidationError(f"Unknown privacy {self.privacy!r}.", field="privacy")
        if self.email and self.email != EMAIL_FAILED:
            raise ValidationError(f"Unknown email state {self.email!r}.", field="email")
        if self.issued_from and self.issued_to and self.issued_from > self.issued_to:
            raise ValidationError("The first issue date is after the last one.", field="issued_to")

    @property
    def active(self) -> bool:
        return self != Filters()

    @property
    def scans(self) -> bool:
        """True when the search matches any part of a name: no index can answer it."""
        text = self.search.strip()
        return bool(text) and "@" not in text and not _CREDENTIAL_ID.fullmatch(text)


@dataclass(frozen=True)
class Cursor:
    """A position between two rows: `after` it (the next page) or `before` it."""

    created_at: datetime
    id: str
    before: bool = False

    def encode(self) -> str:
        raw = f"{'b' if self.before else 'a'}|{self.created_at.isoformat()}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            direction, moment, credential_id = raw.split("|", 2)
            created_at = datetime.fromisoformat(moment)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ValidationError("This page link is not valid.", field="cursor") from None
        if direction not in ("a", "b") or created_at.tzinfo is None or not credential_id:
            raise ValidationError("This page link is not valid.", field="cursor")
        return cls(created_at=created_at, id=credential_id, before=direction == "b")


@dataclass(frozen=True)
class LastEmail:
    status: str  # queued | sending | sent | failed
    error: str
    at: datetime  # sent_at, or when it was queued


@dataclass(frozen=True)
class Row:
    credential: Listed
    status: str  # one of STATUSES
    email: LastEmail | None
    superseded_by: tuple[str, ...]
    # When the email may be sent again (None: now); only for published credentials.
    resend_available_at: datetime | None

    @property
    def resendable(self) -> bool:
        return self.status in (PUBLISHED, EXPIRED)


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    has_next: bool
    has_previous: bool
    next_cursor: str | None
    previous_cursor: str | None
    count: int | None  # of the filtered set, at most COUNT_CAP; None: not counted
    count_capped: bool  # more than COUNT_CAP match


# --- the rule of resending ---------------------------------------------------------------


def resend_cooldown() -> timedelta:
    return timedelta(days=settings.LAUREL_RESEND_COOLDOWN_DAYS)


def resend_available_at(last: LastEmail | None, *, now: datetime) -> datetime | None:
    """When the issuance email may be resent: None if now (see rules.resend_available_at)."""
    if last is None:
        return None
    return rules.resend_available_at(
        last_status=last.status, last_at=last.at, cooldown=resend_cooldown(), now=now
    )


# --- the page ----------------------------------------------------------------------------


def credentials_page(
    organization: Organization,
    filters: Filters,
    *,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
    now: datetime | None = None,
    with_count: bool = True,
) -> Page:
    """One page of the organization's credentials matching `filters`, newest first."""
    now = now or timezone.now()
    position = Cursor.decode(cursor) if cursor else None
    queryset = filtered(organization, filters, now=now)
    found = _keyset(queryset, position, size)
    more = len(found) > size
    found = found[:size]
    if position is not None and position.before:
        found.reverse()
        has_next, has_previous = True, more
    else:
        has_next, has_previous = more, position is not None
    if not with_count:
        count, capped = None, False
    elif not has_next and not has_previous:  # one page holds them all: no count to run
        count, capped = len(found), False
    elif filters.scans:
        # A name search reads rows until a page is full; counting every match would read
        # them all, on every page.
        count, capped = None, False
    else:
        count, capped = _capped_count(queryset)
    rows = _rows(found, now=now)
    first, last = (found[0][0], found[-1][0]) if found else (None, None)
    return Page(
        rows=rows,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=Cursor(last.created_at, last.id).encode() if has_next and last else None,
        previous_cursor=(
            Cursor(first.created_at, first.id, before=True).encode()
            if has_previous and first
            else None
        ),
        count=count,
        count_capped=capped,
    )


def export_rows(
    organization: Organization, filters: Filters, *, batch: int = 1000, now=None
) -> Iterator[Row]:
    """Every row matching `filters`, newest first, read in keyset batches (for the CSV)."""
    now = now or timezone.now()
    queryset = filtered(organization, filters, now=now)
    position = None
    while True:
        found = _keyset(queryset, position, batch)[:batch]
        yield from _rows(found, now=now)
        if len(found) < batch:
            return
        last = found[-1][0]
        position = Cursor(last.created_at, last.id)


def filtered(organization: Organization, filters: Filters, *, now: datetime) -> QuerySet:
    """The organization's credentials matching `filters` (unordered)."""
    queryset = scoped(Credential, organization)
    if filters.group:
        # The group's id as a scalar subquery, not a join on its key: PostgreSQL then reads
        # the (organization, group, created_at, id) index in page order; with the join it
        # walked every credential of the organization newest first, keeping the group's.
        group = scoped(CredentialGroup, organization).filter(key=filters.group).order_by()
        queryset = queryset.filter(group_id=Subquery(group.values("id")[:1]))
    queryset = _status(queryset, filters.status, now)
    if filters.privacy:
        queryset = queryset.filter(privacy=filters.privacy)
    if filters.issued_from:
        queryset = queryset.filter(issued_on__gte=_midnight(filters.issued_from))
    if filters.issued_to:
        queryset = queryset.filter(issued_on__lt=_midnight(filters.issued_to + timedelta(days=1)))
    if filters.search.strip():
        queryset = queryset.filter(_search(filters.search.strip()))
    if filters.email == EMAIL_FAILED:
        latest = EmailDelivery.objects.filter(credential=OuterRef("pk")).order_by(
            "-created_at", "-id"
        )
        queryset = queryset.alias(last_email=Subquery(latest.values("status")[:1])).filter(
            last_email=EmailDelivery.Status.FAILED
        )
    return queryset


def _status(queryset: QuerySet, status: str, now: datetime) -> QuerySet:
    published = Credential.Status.PUBLISHED
    if status == PUBLISHED:
        return queryset.filter(status=published).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now)
        )
    if status == EXPIRED:
        return queryset.filter(status=published, valid_until__lte=now)
    if status:
        return queryset.filter(status=status)
    return queryset


def _search(text: str) -> Q:
    """A credential id finds that credential; an address (it has an @) is looked up by its
    start in the indexed, normalized email column; other text matches the start of the
    email or any part of the name (a scan in keyset order that stops once a page is full)."""
    if _CREDENTIAL_ID.fullmatch(text):  # a lineage link, or an id pasted in
        return Q(pk=text)
    prefix = _email_prefix(rules.normalize_email(text))
    if "@" in text:
        return prefix
    return prefix | Q(recipient_name__icontains=text)


def _email_prefix(prefix: str) -> Q:
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores case and so cannot use a plain index; the column is
        # lower-case already, so a range on it finds the same rows through the index.
        return Q(
            recipient_email_normalized__gte=prefix,
            recipient_email_normalized__lt=prefix + "\U0010ffff",
        )
    # PostgreSQL: LIKE 'prefix%' uses the varchar_pattern_ops index (migration 0004).
    return Q(recipient_email_normalized__startswith=prefix)


def _keyset(queryset: QuerySet, position: Cursor | None, size: int) -> list[tuple[Listed, tuple]]:
    """size + 1 credentials from `position` on (one more tells whether there is more)."""
    if position is None:
        ordered = queryset.order_by("-created_at", "-id")
    else:
        moment, credential_id = position.created_at, position.id
        # `created_at <= t` first: a range the index seeks to, then the tie-break on id.
        if position.before:
            later = Q(created_at__gte=moment) & (Q(created_at__gt=moment) | Q(id__gt=credential_id))
            ordered = queryset.filter(later).order_by("created_at", "id")
        else:
            earlier = Q(created_at__lte=moment) & (
                Q(created_at__lt=moment) | Q(id__lt=credential_id)
            )
            ordered = queryset.filter(earlier).order_by("-created_at", "-id")
    found = ordered.annotate(**_beside()).values_list(*_COLUMNS, *_BESIDE)[: size + 1]
    return [(Listed(*values[:_WIDTH]), values[_WIDTH:]) for values in found]


_WIDTH = len(_COLUMNS)
_BESIDE = ("email_status", "email_error", "email_at", "renewed_by")


def _beside() -> dict:
    """What the list shows beside each credential, read in the page's own query (one
    index probe per row and value): its latest email and the first credential renewing it
    (a renewal renewed in turn links on from there).

    Plain correlated subqueries: the same as Subquery(EmailDelivery.objects.filter(
    credential=OuterRef("pk")).order_by("-created_at", "-id").values(...)[:1]), whose four
    compilations cost the page more than its whole query took to run (bench/pages.py)."""
    return {
        name: RawSQL(sql, (), output_field=field) for name, (sql, field) in _beside_sql().items()
    }


@cache
def _beside_sql() -> dict:
    quote = connection.ops.quote_name
    credentials = quote(Credential._meta.db_table)
    emails = quote(EmailDelivery._meta.db_table)
    credential_id = quote(EmailDelivery._meta.get_field("credential").column)
    supersedes_id = quote(Credential._meta.get_field("supersedes").column)
    latest = (
        f"FROM {emails} e WHERE e.{credential_id} = {credentials}.id "
        "ORDER BY e.created_at DESC, e.id DESC LIMIT 1"
    )
    renewal = (
        f"SELECT r.id FROM {credentials} r WHERE r.{supersedes_id} = {credentials}.id "
        "ORDER BY r.created_at, r.id LIMIT 1"
    )
    text, moment = models.CharField(), models.DateTimeField()
    return {
        "email_status": (f"SELECT e.status {latest}", text),
        "email_error": (f"SELECT e.error {latest}", text),
        "email_at": (f"SELECT COALESCE(e.sent_at, e.created_at) {latest}", moment),
        "renewed_by": (renewal, text),
    }


def _capped_count(queryset: QuerySet) -> tuple[int, bool]:
    counted = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    return min(counted, COUNT_CAP), counted > COUNT_CAP


def _rows(found: list[tuple[Listed, tuple]], *, now: datetime) -> list[Row]:
    rows = []
    for credential, (email_status, email_error, email_at, renewed_by) in found:
        email = (
            LastEmail(status=email_status, error=email_error, at=email_at) if email_status else None
        )
        rows.append(
            Row(
                credential=credential,
                status=display_status(credential, now=now),
                email=email,
                superseded_by=(renewed_by,) if renewed_by else (),
                resend_available_at=resend_available_at(email, now=now),
            )
        )
    return rows


def display_status(credential, *, now: datetime) -> str:
    """draft | published | expired (published, past valid_until) | revoked."""
    expired = credential.valid_until is not None and credential.valid_until <= now
    if credential.status == Credential.Status.PUBLISHED and expired:
        return EXPIRED
    return credential.status


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# --- CSV ---------------------------------------------------------------------------------

# One rule for every CSV Laurel writes (a formula-like cell gets a leading quote).
csv_safe = rows_csv_safe
