"""Certificates and previews drawn by laurel.design from stored designs.

A published credential is drawn with the versions it keeps (laurel.designs.pinning), its
PDF and PNG made on first request and kept on the default storage under the credential
and the version. A published certificate never fails to render: a missing file is a
visible placeholder, and a layout the library can no longer read falls back to the
built-in design.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from laurel.credentials.models import Credential
from laurel.design import (
    LayoutError,
    PreparedLayout,
    Values,
    parse_layout,
    prepare,
    render_pdf,
    render_png,
    render_svg,
    starter,
)
from laurel.designs.models import DesignVersion
from laurel.designs.pinning import pin
from laurel.designs.selectors import asset_files
from laurel.designs.values import credential_values

logger = logging.getLogger(__name__)

DEFAULT_STARTER = {"certificate": "certificate-classic", "badge": "badge-seal"}
PREVIEW_DPI = 72
CERTIFICATE_DPI = 150


def prepared_layout(layout: dict, design=None) -> PreparedLayout:
    """`layout` ready to draw, with the design's files (a missing one: a placeholder)."""
    parsed = parse_layout(layout, custom_fields=_custom_fields_in(layout))
    files = asset_files(design) if design is not None else {}
    return prepare(parsed, {name: files[name]() for name in parsed.assets() if name in files})


def _custom_fields_in(layout: dict) -> list[str]:
    # A stored layout was checked at save; its custom variables are taken as they are
    # (the schema check that follows refuses whatever is not a layout).
    from laurel.design.variables import CUSTOM_PREFIX, variables_in

    elements = layout.get("elements") if isinstance(layout, dict) else None
    names = []
    for element in elements if isinstance(elements, list) else []:
        if not isinstance(element, dict):
            continue
        for key in ("text", "content"):
            try:
                used = variables_in(str(element.get(key, "")))
            except ValueError:
                continue
            names += [v[len(CUSTOM_PREFIX) :] for v in used if v.startswith(CUSTOM_PREFIX)]
        only_if = element.get("only_if")
        if isinstance(only_if, str) and only_if.startswith(CUSTOM_PREFIX):
            names.append(only_if[len(CUSTOM_PREFIX) :])
    return names


def _prepared_version(version_id: int) -> PreparedLayout:
    version = DesignVersion.objects.select_related("design").get(pk=version_id)
    return _prepared_stored(version.pk, version.created_at.isoformat(), version)


@functools.lru_cache(maxsize=64)
def _prepared_stored(version_id: int, created_at: str, version) -> PreparedLayout:
    # Versions and their files never change once written, so a process may keep them
    # (keyed by id and time, in case a test database hands an id out again).
    return prepared_layout(version.layout, version.design)


@functools.lru_cache(maxsize=4)
def _prepared_default(kind: str) -> PreparedLayout:
    return prepared_layout(starter(DEFAULT_STARTER[kind]))


def _prepared_loaded(version: DesignVersion) -> PreparedLayout:
    try:
        return _prepared_stored(version.pk, version.created_at.isoformat(), version)
    except (LayoutError, ValueError, OSError) as error:
        logger.error("design version %s cannot be drawn (%s); the default is used",
                     version.pk, error)  # fmt: skip
        return _prepared_default(version.design.kind)


def prepared_version(version_id: int | None, kind: str = "certificate") -> PreparedLayout:
    """The prepared layout of a version (None: the built-in design); never raises for a
    stored version the library cannot read any more: the built-in design is drawn."""
    if version_id is None:
        return _prepared_default(kind)
    try:
        return _prepared_version(version_id)
    except (LayoutError, ValueError, OSError) as error:
        logger.error(
            "design version %s cannot be drawn (%s); the default is used", version_id, error
        )
        return _prepared_default(kind)


def pinned_version_id(credential: Credential) -> int | None:
    """The certificate version a published credential keeps (laurel.designs.pinning); a
    draft's group's current one."""
    if credential.status == Credential.Status.DRAFT:
        from laurel.designs.models import GroupDesign

        choice = (
            GroupDesign.objects.filter(group_id=credential.group_id)
            .select_related("certificate")
            .first()
        )
        return choice.certificate.current_version_id if choice and choice.certificate else None
    return pin(credential).certificate_version_id


def _cache_name(credential: Credential, version_id: int | None, extension: str) -> str:
    signed = json.dumps(credential.document, sort_keys=True).encode()
    digest = hashlib.sha256(signed).hexdigest()[:16]
    return f"renders/{credential.pk}/{version_id or 'default'}-{digest}.{extension}"


def certificate_pdf(credential: Credential, *, kept=None) -> bytes:
    """The certificate of a published credential as PDF, the signed credential attached.
    `kept`: its CredentialDesign with the version loaded (pinning.pin_many), when known."""
    return _cached(credential, "pdf", kept)


def certificate_png(credential: Credential) -> bytes:
    """The certificate of a published credential as PNG (150 dpi)."""
    return _cached(credential, "png")


def _cached(credential: Credential, extension: str, kept=None) -> bytes:
    if kept is not None and credential.status != Credential.Status.DRAFT:
        version = kept.certificate_version
        version_id = version.pk if version else None
    else:
        version, version_id = None, pinned_version_id(credential)
    name = _cache_name(credential, version_id, extension)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    if version is not None:
        prepared = _prepared_loaded(version)
    else:
        prepared = prepared_version(version_id)
    data = draw(prepared, credential_values(credential), extension,
                credential=credential.document)  # fmt: skip
    default_storage.save(name, ContentFile(data))
    return data


def draw(prepared: PreparedLayout, values: Values, extension: str, *, credential=None) -> bytes:
    """PDF or PNG bytes; a render that fails is drawn again with the built-in design."""
    try:
        return _draw(prepared, values, extension, credential)
    except Exception:  # a certificate must come out, whatever a design holds
        logger.exception("a design failed to render; the default design is drawn")
        return _draw(_prepared_default(prepared.layout.kind), values, extension, credential)


def _draw(prepared: PreparedLayout, values: Values, extension: str, credential) -> bytes:
    if extension == "pdf":
        return render_pdf(prepared, values, credential=credential)
    return render_png(prepared, values, dpi=CERTIFICATE_DPI)


def preview_png(layout: dict, design, values: Values, dpi: float = PREVIEW_DPI) -> bytes:
    """A studio preview: the PNG of the real render of an unsaved layout (LayoutError when
    the layout cannot be read at all)."""
    return render_png(prepared_layout(layout, design), values, dpi=dpi)


BADGE_PIXELS = 600


def badge_version_id(credential: Credential) -> int | None:
    """The badge version a published credential keeps (a draft: its group's current one)."""
    if credential.status == Credential.Status.DRAFT:
        from laurel.designs.models import GroupDesign

        choice = GroupDesign.objects.filter(group_id=credential.group_id).first()
        return choice.badge.current_version_id if choice and choice.badge_id else None
    return pin(credential).badge_version_id


def badge_png(credential: Credential) -> bytes | None:
    """The credential's badge (600 px wide, transparent around its shape) drawn from the
    badge design version it keeps, not baked; None when its group never chose a badge
    design (the public pages then draw their built-in medallion)."""
    version_id = badge_version_id(credential)
    if version_id is None:
        return None
    return _cached_badge(credential, version_id, "png")


def badge_svg(credential: Credential) -> str | None:
    """The same badge as an SVG document (vector, text as outlines); None as badge_png."""
    version_id = badge_version_id(credential)
    if version_id is None:
        return None
    return _cached_badge(credential, version_id, "svg").decode()


def _cached_badge(credential: Credential, version_id: int, extension: str) -> bytes:
    name = _cache_name(credential, version_id, f"badge.{extension}")
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    data = draw_badge(prepared_version(version_id, "badge"), credential_values(credential),
                      extension)  # fmt: skip
    default_storage.save(name, ContentFile(data))
    return data


def draw_badge(prepared: PreparedLayout, values: Values, extension: str) -> bytes:
    """A badge as PNG or SVG bytes; one that fails is drawn with the built-in badge."""
    try:
        return _draw_badge(prepared, values, extension)
    except Exception:  # a published badge must come out, whatever a design holds
        logger.exception("a badge design failed to render; the default badge is drawn")
        return _draw_badge(_prepared_default("badge"), values, extension)


def _draw_badge(prepared: PreparedLayout, values: Values, extension: str) -> bytes:
    if extension == "svg":
        return render_svg(prepared, values).encode()
    dpi = (BADGE_PIXELS - 0.01) * 25.4 / prepared.layout.width  # PDFium rounds up
    return render_png(prepared, values, dpi=dpi)


def credential_badge(credential: Credential, extension: str) -> bytes:
    """The badge of a credential (PNG or SVG, not baked): its badge design's, else the
    public pages' built-in medallion. What `achievement.image` points to and what
    /credential/<id>.png and .svg bake."""
    from laurel.public import images

    if extension == "svg":
        return (badge_svg(credential) or images.badge_svg(credential)).encode()
    return badge_png(credential) or images.badge_png(credential)
