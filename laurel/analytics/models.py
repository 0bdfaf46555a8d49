"""One counter row per credential, per day (UTC), per kind of event."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laurel.credentials.models import Credential, CredentialGroup
from laurel.organizations.models import Organization


class Kind(models.TextChoices):
    PAGE_VIEW = "view", _("Page view")
    DOWNLOAD_PNG = "png", _("PNG download")
    DOWNLOAD_SVG = "svg", _("SVG download")
    DOWNLOAD_JSON = "json", _("JSON download")
    DOWNLOAD_PDF = "pdf", _("PDF download")
    LINKEDIN_ADD = "linkedin", _("Added to LinkedIn")
    VERIFICATION = "verify", _("Verification")


DOWNLOADS = (Kind.DOWNLOAD_PNG, Kind.DOWNLOAD_SVG, Kind.DOWNLOAD_JSON, Kind.DOWNLOAD_PDF)


class DailyCount(models.Model):
    """How many times `kind` happened to a credential on `day`: no data about who.

    The organization and the group are denormalised from the credential (a read by
    group needs no join); an issuer's totals per group are read from GroupDailyCount.
    """

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(CredentialGroup, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "day", "kind"], name="analytics_count_unique"
            )
        ]
        indexes = [models.Index(fields=["group", "kind"], name="analytics_group_kind")]

    def __str__(self) -> str:
        return f"{self.credential_id} {self.day} {self.kind}: {self.count}"


class GroupDailyCount(models.Model):
    """The same counts summed per group: written by the same flush as DailyCount, so a
    group's totals over any period read at most one row per day and kind, however many
    credentials the group has."""

    group = models.ForeignKey(CredentialGroup, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "day", "kind"], name="analytics_group_unique")
        ]

    def __str__(self) -> str:
        return f"group {self.group_id} {self.day} {self.kind}: {self.count}"
