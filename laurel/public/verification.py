"""The verdict a credential page shows: its status and every check, run for real.

The checks run on the stored signed document against the issuer's DID document and the
current status list, both read from the database (see resolvers.py). The report is kept in
the cache under a key made of what it depends on (the credential's and its status list's
versions), so a revocation — which re-signs the list — changes the key and shows on the
very next load; dates move on their own, so an entry also lives a bounded time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.credentials.models import Credential
from laurel.credentials.rules import SUPERSEDED_REASON
from laurel.public.reasons import localized_reason
from laurel.public.resolvers import LocalResolver
from laurel.vc.errors import VCError
from laurel.vc.verify import COULD_NOT_CHECK, FAILED, PASSED, Check, Report, verify_credential

REPORT_TTL = 600  # seconds; a key rotation or a date crossing is seen within it

CHECK_TITLES = {
    "proof": _("Signature"),
    "issuer key": _("Issuer key"),
    "status": _("Revocation status"),
    "validity dates": _("Validity dates"),
    "schema": _("Open Badges 3.0 schema"),
}
STATUS_WORDS = {
    "valid": _("Valid"),
    "expired": _("Expired"),
    "revoked": _("Revoked"),
    "superseded": _("Superseded"),
    "suspended": _("Suspended"),
    "invalid": _("Not valid"),
}
OUTCOME_LABELS = {
    PASSED: _("Passed"),
    FAILED: _("Failed"),
    COULD_NOT_CHECK: _("Could not check"),
}


def page_credential(credential_id: str) -> Credential | None:
    """A published (or revoked) credential with everything its page shows, in one query.

    `newer_id` is the latest non-draft credential that supersedes it (the renewal).
    Drafts and credentials without a document are None: the public never sees them.
    """
    newer = (
        Credential.objects.filter(supersedes=OuterRef("pk"))
        .exclude(status=Credential.Status.DRAFT)
        .order_by("-created_at")
        .values("pk")[:1]
    )
    credential = (
        Credential.objects.select_related("group", "organization", "status_list", "supersedes")
        .annotate(newer_id=Subquery(newer))
        .filter(pk=credential_id)
        .exclude(status=Credential.Status.DRAFT)
        .first()
    )
    if credential is None or not credential.document:
        return None
    return credential


def version(credential: Credential) -> str:
    """What the page's verdict depends on: changes when a revocation or renewal happens."""
    listed = credential.status_list
    return version_of(
        credential.pk,
        credential.updated_at,
        listed.updated_at if listed is not None else None,
        getattr(credential, "newer_id", None),
        credential.is_expired(),
    )


def version_of(pk, updated_at, list_updated_at, newer_id, expired: bool) -> str:
    return ":".join(
        [
            pk,
            updated_at.isoformat(),
            list_updated_at.isoformat() if list_updated_at is not None else "-",
            newer_id or "-",
            "expired" if expired else "current",
        ]
    )


@dataclass(frozen=True)
class PageKey:
    """The few columns a page load needs before its cached fragment: who may see it and
    which version it is. One hand-written statement (the ORM's compilation of the full
    lookup costs more than the query on a hot page)."""

    pk: str
    status: str
    privacy: str
    recipient_email_normalized: str
    valid_until: datetime | None
    updated_at: datetime
    list_updated_at: datetime | None
    newer_id: str | None

    def is_expired(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.valid_until is not None and self.valid_until <= now

    @property
    def version(self) -> str:
        return version_of(
            self.pk, self.updated_at, self.list_updated_at, self.newer_id, self.is_expired()
        )


_PAGE_KEY = (
    "SELECT c.id, c.status, c.privacy, c.recipient_email_normalized, c.valid_until, "
    "c.updated_at, sl.updated_at, "
    "(SELECT n.id FROM {credentials} n WHERE n.supersedes_id = c.id AND n.status <> 'draft' "
    "ORDER BY n.created_at DESC LIMIT 1) "
    "FROM {credentials} c LEFT JOIN {lists} sl ON sl.id = c.status_list_id "
    "WHERE c.id = %s AND c.status <> 'draft' AND c.document IS NOT NULL"
)
_KEY_FIELDS = ("id", "status", "privacy", "recipient_email_normalized", "valid_until")


def page_key(credential_id: str) -> PageKey | None:
    """The PageKey of a published or revoked credential; None for drafts and unknown ids."""
    from django.db import connection

    from laurel import rows
    from laurel.credentials.models import StatusList

    quote = connection.ops.quote_name
    sql = _PAGE_KEY.format(
        credentials=quote(Credential._meta.db_table), lists=quote(StatusList._meta.db_table)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [credential_id])
        row = cursor.fetchone()
    if row is None:
        return None
    own = rows.converted(Credential, (*_KEY_FIELDS, "updated_at"), row[:6])
    [listed] = rows.converted(StatusList, ("updated_at",), row[6:7])
    return PageKey(*own, list_updated_at=listed, newer_id=row[7])


@dataclass(frozen=True)
class CheckLine:
    """One check as the page shows it: a title, the outcome, a label and why."""

    name: str
    title: str
    outcome: str
    label: str
    reason: str

    @classmethod
    def of(cls, check: Check) -> CheckLine:
        return cls(
            name=check.name,
            title=str(CHECK_TITLES.get(check.name, check.name)),
            outcome=check.outcome,
            label=str(OUTCOME_LABELS.get(check.outcome, check.outcome)),
            reason=localized_reason(check.reason),
        )

    @property
    def tone(self) -> str:
        return {PASSED: "success", FAILED: "danger"}.get(self.outcome, "warning")


def stored_report(credential: Credential) -> Report:
    """The verification report of a stored credential, from the cache when it is current."""
    key = f"laurel:public:report:{version(credential)}"
    cached = cache.get(key)
    if isinstance(cached, Report):
        return cached
    report = run_checks(credential.document, LocalResolver(_documents(credential)))
    cache.set(key, report, timeout=_ttl(credential))
    return report


def run_checks(document: dict, resolver, *, now: datetime | None = None) -> Report:
    """Every check of laurel.vc.verify; a document that is not a credential is one failure."""
    try:
        return verify_credential(document, resolver=resolver, now=now)
    except VCError as error:
        report = Report(credential_id=None, issuer=None)
        report.checks.append(Check("proof", FAILED, str(error)))
        report.checks.append(Check("issuer key", COULD_NOT_CHECK, str(error)))
        return report


def _documents(credential: Credential) -> list[dict]:
    from laurel.organizations.selectors import did_document

    documents = [did_document(credential.organization)]
    if credential.status_list is not None and credential.status_list.document:
        documents.append(credential.status_list.document)
    return documents


def _ttl(credential: Credential) -> int:
    if credential.valid_until is None:
        return REPORT_TTL
    left = (credential.valid_until - timezone.now()).total_seconds()
    return int(min(REPORT_TTL, left)) + 1 if left > 0 else REPORT_TTL


# ---- the status band ---------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """What the status band says: valid, expired, revoked, superseded or suspended."""

    kind: str
    on: datetime | None = None
    reason: str = ""
    newer_id: str | None = None

    @property
    def word(self) -> str:
        """The band's one word: Valid, Expired, Revoked, Superseded, Suspended, Not valid."""
        return str(STATUS_WORDS.get(self.kind, STATUS_WORDS["invalid"]))

    @property
    def is_valid(self) -> bool:
        return self.kind == "valid"

    @property
    def tone(self) -> str:
        return {"valid": "success", "expired": "warning", "superseded": "info"}.get(
            self.kind, "danger"
        )


def standing(credential: Credential, report: Report, *, now: datetime | None = None) -> Standing:
    """The credential's standing from what is stored and what the checks found.

    Laurel itself never suspends a credential (its status lists are revocation lists);
    a set suspension bit, which another issuer's list may carry, still reads Suspended.
    A credential whose signature or key fails is shown as not valid whatever it says.
    """
    now = now or timezone.now()
    newer_id = getattr(credential, "newer_id", None)
    if credential.status == Credential.Status.REVOKED:
        if credential.revocation_reason == SUPERSEDED_REASON and newer_id:
            return Standing("superseded", credential.revoked_at, newer_id=newer_id)
        return Standing("revoked", credential.revoked_at, credential.revocation_reason)
    status = _check(report, "status")
    if status is not None and status.outcome == FAILED and "suspended" in status.reason:
        return Standing("suspended")
    if not report.valid and not _only_dates_failed(report):
        return Standing("invalid", reason=_first_failure(report))
    if newer_id:
        return Standing("superseded", newer_id=newer_id)
    if credential.is_expired(now):
        return Standing("expired", credential.valid_until)
    return Standing("valid", credential.valid_until)


def report_standing(report: Report) -> Standing:
    """The standing of a credential known only by its report (a file, a URL on /verify)."""
    status = _check(report, "status")
    if status is not None and status.outcome == FAILED:
        kind = "suspended" if "suspended" in status.reason else "revoked"
        return Standing(kind, reason=localized_reason(status.reason))
    if report.valid:
        return Standing("valid")
    if _only_dates_failed(report):
        return Standing("expired", reason=localized_reason(_check(report, "validity dates").reason))
    return Standing("invalid", reason=_first_failure(report))


def check_lines(report: Report) -> list[CheckLine]:
    return [CheckLine.of(check) for check in report.checks]


def _check(report: Report, name: str) -> Check | None:
    try:
        return report.check(name)
    except KeyError:
        return None


def _only_dates_failed(report: Report) -> bool:
    failed = [check.name for check in report.checks if check.outcome == FAILED]
    dates = _check(report, "validity dates")
    return failed == ["validity dates"] and dates is not None and "expired" in dates.reason


def _first_failure(report: Report) -> str:
    for check in report.checks:
        if check.outcome == FAILED:
            return f"{CHECK_TITLES.get(check.name, check.name)}: {localized_reason(check.reason)}"
    return ""


def fresh_until(credential) -> datetime:
    """When the page's cached fragment must be drawn again at the latest (a Credential or
    a PageKey)."""
    limit = timezone.now() + timedelta(seconds=REPORT_TTL)
    if credential.valid_until is not None and credential.valid_until > timezone.now():
        return min(limit, credential.valid_until)
    return limit
