"""Reads of the design studio (tenancy through laurel.organizations.tenancy)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db.models import Q
from django.db.models.functions import Length

from laurel.credentials.models import Credential, CredentialGroup
from laurel.design import Values, sample_values
from laurel.designs.models import CertificateZip, Design, GroupDesign
from laurel.designs.values import credential_values
from laurel.organizations.tenancy import get_scoped, scoped

# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan… and the Arabic presentation forms.
RTL = r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]"
SAMPLE_RTL_NAME = "ليلى عبد الرحمن الحسيني"


def designs_of(organization):
    return scoped(Design, organization).select_related("current_version")


def design_of(organization, design_id) -> Design:
    return get_scoped(designs_of(organization), organization, pk=design_id)


def asset_files(design: Design) -> dict[str, Callable[[], bytes]]:
    """The design's uploaded files by name, each read only when asked for."""

    def reader(path: str) -> Callable[[], bytes]:
        def read() -> bytes:
            with default_storage.open(path, "rb") as handle:
                return handle.read()

        return read

    return {a.name: reader(a.file.name) for a in design.assets.all()}


def custom_fields(organization) -> list[str]:
    """Every custom field of the organization's groups (a design may serve any of them)."""
    names: list[str] = []
    for fields in scoped(CredentialGroup, organization).values_list("custom_fields", flat=True):
        names += [f for f in fields or [] if f not in names]
    return names


def groups_with_designs(organization) -> list[tuple[CredentialGroup, GroupDesign | None]]:
    groups = list(scoped(CredentialGroup, organization).order_by("title", "id"))
    choices = {c.group_id: c for c in scoped(GroupDesign, organization)}
    return [(g, choices.get(g.pk)) for g in groups]


def preview_values(organization, choice: str) -> tuple[Values, str]:
    """The values a preview shows and a caption: 'sample', 'longest' (the organization's
    longest recipient name), 'rtl' (a right-to-left one) or 'credential:<id>'."""
    sample = sample_values()
    credentials = scoped(Credential, organization).select_related("group", "organization")
    found = None
    if choice == "longest":
        found = credentials.annotate(n=Length("recipient_name")).order_by("-n", "id").first()
    elif choice == "rtl":
        found = credentials.filter(Q(recipient_name__regex=RTL)).order_by("-created_at").first()
        if found is None:
            return _replace(sample, SAMPLE_RTL_NAME), "sample right-to-left name"
    elif choice.startswith("credential:"):
        found = credentials.filter(pk=choice.split(":", 1)[1]).first()
    if found is None:
        return sample, "sample values"
    return credential_values(found), found.recipient_name


def _replace(values: Values, name: str) -> Values:
    from dataclasses import replace

    return replace(values, recipient_name=name)


def recent_credentials(organization, limit: int = 20):
    return (
        scoped(Credential, organization)
        .order_by("-created_at")
        .only("id", "recipient_name", "status")[:limit]
    )


def zips_of(organization, limit: int = 5):
    return scoped(CertificateZip, organization)[:limit]


def zip_of(organization, zip_id) -> CertificateZip:
    return get_scoped(CertificateZip, organization, pk=zip_id)
