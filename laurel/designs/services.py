"""Writes of the design studio: one function per use case, each checking `manage_designs`.

Saving validates the layout with laurel.design (an unknown variable, a missing file: an
error at save naming it, never a blank at render) and writes a new version.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from laurel.credentials.models import Credential, CredentialGroup
from laurel.design import AssetError, LayoutError, parse_layout, prepare, starter, starter_names
from laurel.design.assets import detect_kind
from laurel.design.badges import BADGE_SHAPES, compose_badge, picture_badge
from laurel.design.svgsafe import UnsafeSVG, sanitize_svg
from laurel.designs import selectors
from laurel.designs.models import (
    CertificateZip,
    Design,
    DesignAsset,
    DesignVersion,
    GroupDesign,
    GroupDesignChange,
    Kind,
)
from laurel.designs.values import custom_field_names
from laurel.organizations import audit
from laurel.organizations.errors import GroupNotFound, ValidationError
from laurel.organizations.permissions import Actor, require
from laurel.organizations.tenancy import get_scoped

UPLOAD_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "pdf": "application/pdf",
    "svg": "image/svg+xml",
}
NAME_MAX = 120
USES = {Kind.CERTIFICATE: ("background", "image"), Kind.BADGE: ("badge", "image", "background")}


def _user(actor: Actor):
    return actor.user if getattr(actor.user, "pk", None) else None


def _name(value: str) -> str:
    name = (value or "").strip()
    if not name:
        raise ValidationError("Give the design a name.", field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(f"The name is longer than {NAME_MAX} characters.", field="name")
    return name


@transaction.atomic
def create_design(*, actor: Actor, name: str, starter_name: str) -> Design:
    """A new design copied from a starter template; its first version is the starter."""
    require(actor, "manage_designs")
    if starter_name not in starter_names():
        raise ValidationError(f"There is no starter called {starter_name!r}.", field="starter")
    layout = starter(starter_name)
    design = Design.objects.create(
        organization=actor.organization, kind=layout["kind"], name=_name(name)
    )
    _new_version(actor, design, layout)
    audit.record(actor, "design.created", design, data={"starter": starter_name})
    return design


@transaction.atomic
def save_design(*, actor: Actor, design_id: int, layout: object, name: str | None = None):
    """Validate `layout` and store it as the design's next version (its current one)."""
    require(actor, "manage_designs")
    design = _locked(actor, design_id)
    document = check_layout(design, layout)
    if name is not None:
        design.name = _name(name)
    version = _new_version(actor, design, document)
    audit.record(actor, "design.saved", design, data={"version": version.number})
    return version


def check_layout(design: Design, layout: object) -> dict:
    """The layout, valid for `design`; ValidationError(field='layout') naming each problem."""
    if not isinstance(layout, dict):
        raise ValidationError("The layout must be a JSON object.", field="layout")
    if layout.get("kind") != design.kind:
        raise ValidationError(f"This design is a {design.kind} design.", field="layout")
    assets = selectors.asset_files(design)
    try:
        parsed = parse_layout(
            layout,
            custom_fields=custom_field_names(selectors.custom_fields(design.organization)),
            assets=assets.keys(),
        )
        prepare(parsed, {n: assets[n]() for n in parsed.assets()}, strict=True)
    except LayoutError as error:
        raise ValidationError(
            "The design cannot be saved: " + "; ".join(error.problems),
            field="layout",
            problems=error.problems,
        ) from None
    except AssetError as error:
        raise ValidationError(
            f"A file of the design cannot be drawn: {error}", field="layout"
        ) from None
    return layout


def _new_version(actor: Actor, design: Design, layout: dict) -> DesignVersion:
    number = (design.current_version.number if design.current_version else 0) + 1
    last = design.versions.order_by("-number").values_list("number", flat=True).first()
    version = DesignVersion.objects.create(
        design=design, number=max(number, (last or 0) + 1), layout=layout, created_by=_user(actor)
    )
    design.current_version = version
    design.save(update_fields=["current_version", "name", "updated_at"])
    return version


def _locked(actor: Actor, design_id) -> Design:
    return get_scoped(
        Design.objects.select_for_update(of=("self",)).select_related("current_version"),
        actor.organization,
        pk=design_id,
    )


@transaction.atomic
def upload_asset(
    *, actor: Actor, design_id: int, filename: str, data: bytes, use_as: str
) -> DesignVersion:
    """Store an uploaded file and save a version that uses it: as the background, as a
    new image element in the middle of the page, or (a badge) as the whole badge. An SVG
    is kept sanitised (no script, no reference outside the file)."""
    require(actor, "manage_designs")
    design = _locked(actor, design_id)
    limit = settings.LAUREL_DESIGN_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(f"The file is larger than {limit // 1_000_000} MB.", field="file")
    if use_as not in USES[design.kind]:
        raise ValidationError("Choose how the file is used.", field="use_as")
    try:
        kind = detect_kind(data)
    except AssetError:
        raise ValidationError("Upload a PDF, PNG, JPG or SVG file.", field="file") from None
    if use_as == "image" and kind == "pdf":
        raise ValidationError("An image must be a PNG, JPG or SVG file.", field="file")
    if use_as == "badge" and kind not in ("png", "svg"):
        raise ValidationError("A badge must be a PNG or SVG file.", field="file")
    if kind == "svg":
        try:
            data = sanitize_svg(data)
        except UnsafeSVG as error:
            raise ValidationError(f"This SVG cannot be used: {error}.", field="file") from None
    name = _asset_name(filename, data, kind)
    asset = DesignAsset.objects.filter(design=design, name=name).first()
    if asset is None:
        asset = DesignAsset(
            design=design, name=name, content_type=UPLOAD_TYPES[kind], size=len(data)
        )
        asset.file.save(name, ContentFile(data), save=False)
        asset.save()
    layout = dict(design.current_version.layout)
    layout["elements"] = list(layout.get("elements", []))
    if use_as == "background":
        layout["background"] = {"type": "asset", "asset": name, "fit": "cover"}
    elif use_as == "badge":
        layout = picture_badge(name, name=layout.get("name", ""))
    else:
        layout["elements"].append(_image_element(layout, name))
    document = check_layout(design, layout)
    version = _new_version(actor, design, document)
    audit.record(actor, "design.file_uploaded", design, data={"file": name, "as": use_as})
    return version


def _asset_name(filename: str, data: bytes, kind: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", (filename or "file").rsplit(".", 1)[0].lower()).strip("-")
    digest = hashlib.sha256(data).hexdigest()[:10]
    return f"{stem[:40] or 'file'}-{digest}.{'jpg' if kind == 'jpeg' else kind}"


def _image_element(layout: dict, name: str) -> dict:
    from laurel.design.layout import _page_size

    width, height = _page_size(layout["page"])
    return {"type": "image", "x": width / 2 - 20, "y": height / 2 - 20, "width": 40,
            "height": 40, "asset": name, "id": f"image-{timezone.now():%H%M%S}"}  # fmt: skip


@transaction.atomic
def compose_badge_design(
    *,
    actor: Actor,
    design_id: int,
    shape: str,
    fill: str,
    border: str,
    line1: str,
    line2: str = "",
    icon: str = "",
) -> DesignVersion:
    """Save a badge composed of a shape, its fill and border colours, one or two lines of
    text (templates, shrunk to fit) and optionally an uploaded icon, as the next version."""
    require(actor, "manage_designs")
    design = _locked(actor, design_id)
    if design.kind != Kind.BADGE:
        raise ValidationError("Only a badge design is composed from shapes.", field="shape")
    if shape not in BADGE_SHAPES:
        raise ValidationError(f"There is no badge shape called {shape!r}.", field="shape")
    if not (line1 or "").strip():
        raise ValidationError("Write the badge's first line.", field="line1")
    if icon and icon not in selectors.asset_files(design):
        raise ValidationError("Choose an uploaded file as the icon.", field="icon")
    try:
        layout = compose_badge(shape=shape, fill=fill, border=border, line1=line1.strip(),
                               line2=(line2 or "").strip(), icon=icon or None,
                               name=design.current_version.layout.get("name", ""))  # fmt: skip
    except ValueError as error:
        raise ValidationError(f"{str(error).capitalize()}.", field="fill") from None
    document = check_layout(design, layout)
    version = _new_version(actor, design, document)
    audit.record(actor, "design.composed", design, data={"shape": shape})
    return version


@transaction.atomic
def use_for_group(*, actor: Actor, design_id: int, group_key: str) -> GroupDesign:
    """Make the design the group's certificate (or badge) design: its drafts follow it;
    published credentials keep the versions they were published with."""
    require(actor, "manage_designs")
    design = get_scoped(Design, actor.organization, pk=design_id)
    group = get_scoped(CredentialGroup, actor.organization, error=GroupNotFound, key=group_key)
    choice, _ = GroupDesign.objects.select_for_update().get_or_create(
        group=group, defaults={"organization": actor.organization}
    )
    setattr(choice, "certificate" if design.kind == Kind.CERTIFICATE else "badge", design)
    choice.save()
    GroupDesignChange.objects.create(group=group, kind=design.kind, design=design)
    audit.record(actor, "design.chosen", design, data={"group": group.key})
    return choice


@transaction.atomic
def request_group_zip(*, actor: Actor, group_key: str) -> CertificateZip:
    """Start building one ZIP of every published certificate of a group."""
    require(actor, "manage_designs")
    group = get_scoped(CredentialGroup, actor.organization, error=GroupNotFound, key=group_key)
    ids = list(
        Credential.objects.filter(group=group, status=Credential.Status.PUBLISHED)
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )
    return request_zip(actor=actor, credential_ids=ids, label=group.title)


def request_zip(*, actor: Actor, credential_ids: list[str], label: str) -> CertificateZip:
    """A ZIP of the certificates of `credential_ids` (the organization's own), built by
    background tasks that share its parts; a bulk job calls this with its credentials."""
    from laurel.designs.tasks import build_certificate_zip
    from laurel.tasks import enqueue_on_commit

    require(actor, "manage_designs")
    if not credential_ids:
        raise ValidationError("There are no published certificates to put in a ZIP.")
    job = CertificateZip.objects.create(
        organization=actor.organization,
        label=label[:200],
        credential_ids=list(credential_ids),
        total=len(credential_ids),
    )
    from laurel.designs.zips import workers_per_job

    for _ in range(workers_per_job()):  # each claims parts until none is left
        enqueue_on_commit(build_certificate_zip, job.pk)
    return job
