"""Designs have versions; saving validates with laurel.design; designs are the
organization's own; a published credential keeps the version it was published with."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from laurel.credentials.services import issue
from laurel.design import starter
from laurel.designs import pinning, rendering, services
from laurel.designs.models import CredentialDesign, Design, DesignAsset
from laurel.designs.rendering import certificate_pdf, certificate_png
from laurel.organizations.errors import Forbidden, NotFound, ValidationError

pytestmark = pytest.mark.django_db


def new_design(actor, starter_name="certificate-classic", name="Our certificate"):
    return services.create_design(actor=actor, name=name, starter_name=starter_name)


def with_text(layout, text):
    changed = dict(layout, elements=list(layout["elements"]))
    changed["elements"].append(
        {"type": "text", "x": 20, "y": 20, "width": 120, "height": 12, "text": text}
    )
    return changed


def png_bytes(colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_design_from_a_starter_is_a_copy_at_version_one(owner):
    design = new_design(owner)
    assert design.kind == "certificate" and design.organization == owner.organization
    assert design.current_version.number == 1
    assert design.current_version.layout == starter("certificate-classic")


def test_saving_makes_the_next_version_and_keeps_the_old_one(owner):
    design = new_design(owner)
    first = design.current_version
    layout = with_text(first.layout, "Awarded to {recipient_name}")
    second = services.save_design(actor=owner, design_id=design.pk, layout=layout)
    design.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert design.current_version == second
    first.refresh_from_db()
    assert first.layout == starter("certificate-classic")
    assert second.created_by == owner.user


def test_an_unknown_variable_is_an_error_at_save_that_names_it(owner):
    design = new_design(owner)
    layout = with_text(design.current_version.layout, "Dear {recipient_nmae}")
    with pytest.raises(ValidationError) as caught:
        services.save_design(actor=owner, design_id=design.pk, layout=layout)
    assert "recipient_nmae" in str(caught.value) and caught.value.field == "layout"
    assert design.versions.count() == 1  # nothing half-written


def test_a_custom_field_of_a_group_may_be_used(owner, custom_group):
    design = new_design(owner)
    layout = with_text(design.current_version.layout, "Grade: {custom_grade}")
    assert services.save_design(actor=owner, design_id=design.pk, layout=layout).number == 2


def test_a_missing_image_is_reported_at_save(owner):
    design = new_design(owner)
    layout = dict(design.current_version.layout)
    layout["elements"] = [
        *layout["elements"],
        {"type": "image", "x": 1, "y": 1, "width": 10, "height": 10, "asset": "logo.png"},
    ]
    with pytest.raises(ValidationError, match="logo.png"):
        services.save_design(actor=owner, design_id=design.pk, layout=layout)


def test_a_layout_of_the_wrong_kind_or_shape_is_refused(owner):
    design = new_design(owner)
    with pytest.raises(ValidationError, match="certificate design"):
        services.save_design(actor=owner, design_id=design.pk, layout=starter("badge-seal"))
    with pytest.raises(ValidationError):
        services.save_design(actor=owner, design_id=design.pk, layout=["not", "a", "layout"])
    with pytest.raises(ValidationError, match="elements"):
        broken = dict(design.current_version.layout, elements=[{"type": "text"}])
        services.save_design(actor=owner, design_id=design.pk, layout=broken)


def test_an_uploaded_background_is_stored_and_used_by_a_new_version(owner, media):
    design = new_design(owner)
    version = services.upload_asset(
        actor=owner, design_id=design.pk, filename="Canva export.png", data=png_bytes(),
        use_as="background",
    )  # fmt: skip
    asset = DesignAsset.objects.get(design=design)
    assert version.layout["background"] == {"type": "asset", "asset": asset.name, "fit": "cover"}
    assert (media / asset.file.name).read_bytes() == png_bytes()
    assert asset.name.startswith("canva-export-") and asset.content_type == "image/png"


def test_an_upload_that_is_not_an_image_or_too_large_is_refused(owner, settings):
    design = new_design(owner)
    with pytest.raises(ValidationError, match="PDF, PNG, JPG or SVG"):
        services.upload_asset(
            actor=owner, design_id=design.pk, filename="x.exe", data=b"MZ\x90", use_as="image"
        )
    settings.LAUREL_DESIGN_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="larger"):
        services.upload_asset(
            actor=owner, design_id=design.pk, filename="x.png", data=png_bytes(), use_as="image"
        )
    assert not DesignAsset.objects.exists() and design.versions.count() == 1


def test_another_organizations_design_is_not_found(owner, outsider):
    design = new_design(owner)
    layout = design.current_version.layout
    with pytest.raises(NotFound):
        services.save_design(actor=outsider, design_id=design.pk, layout=layout)
    with pytest.raises(NotFound):
        services.use_for_group(actor=outsider, design_id=design.pk, group_key="whatever")
    assert Design.objects.get(pk=design.pk).versions.count() == 1


def test_a_design_cannot_be_chosen_for_another_organizations_group(owner, outsider, globex,
                                                                    group_factory):  # fmt: skip
    design = new_design(owner)
    theirs = group_factory(globex, title="Theirs")
    with pytest.raises(NotFound):
        services.use_for_group(actor=owner, design_id=design.pk, group_key=theirs.key)


def test_every_member_may_design_and_the_system_may_not_be_someone_else(issuer):
    assert new_design(issuer).current_version.created_by == issuer.user


def test_an_api_key_actor_without_the_role_is_refused(owner):
    from laurel.organizations.permissions import Actor

    nobody = Actor(organization=owner.organization, role="viewer")
    with pytest.raises((Forbidden, KeyError)):
        new_design(nobody)


def test_publishing_pins_the_groups_current_version(owner, never_group, publish_to):
    design = new_design(owner)
    services.use_for_group(actor=owner, design_id=design.pk, group_key=never_group.key)
    credential = publish_to(never_group)
    services.save_design(actor=owner, design_id=design.pk,
                         layout=with_text(design.current_version.layout, "Later"))  # fmt: skip
    first = design.versions.get(number=1)
    assert not CredentialDesign.objects.filter(credential=credential).exists()  # issue: no write
    assert pinning.pin(credential).certificate_version == first
    kept = CredentialDesign.objects.get(credential=credential)
    assert kept.certificate_version == first and kept.badge_version is None


def test_a_draft_is_not_pinned_until_it_is_published(owner, never_group):
    from laurel.credentials.services import publish

    design = new_design(owner)
    services.use_for_group(actor=owner, design_id=design.pk, group_key=never_group.key)
    before = design.current_version
    draft = issue(actor=owner, group_key=never_group.key, recipient_name="Bo",
                  recipient_email="bo@example.org", draft=True)  # fmt: skip
    assert not CredentialDesign.objects.filter(credential=draft).exists()
    layout = with_text(design.current_version.layout, "Draft follows {code}")
    latest = services.save_design(actor=owner, design_id=design.pk, layout=layout)
    draft.refresh_from_db()
    assert rendering.pinned_version_id(draft) == latest.pk != before.pk  # drafts follow
    publish(actor=owner, credential_id=draft.pk)
    draft.refresh_from_db()
    assert rendering.pinned_version_id(draft) == latest.pk


def test_a_published_certificate_renders_identically_after_its_groups_design_changed(
    owner, never_group, publish_to
):
    design = new_design(owner)
    services.use_for_group(actor=owner, design_id=design.pk, group_key=never_group.key)
    credential = publish_to(never_group)
    before_png = certificate_png(credential)
    changed = with_text(design.current_version.layout, "A NEW LINE FOR {recipient_name}")
    changed["background"] = {"type": "colour", "colour": "#202020"}
    services.save_design(actor=owner, design_id=design.pk, layout=changed)
    other = new_design(owner, "certificate-modern", name="Modern")
    services.use_for_group(actor=owner, design_id=other.pk, group_key=never_group.key)

    # Drawn again from nothing (no cached file, no prepared layout in this process):
    rendering._prepared_stored.cache_clear()
    from django.core.files.storage import default_storage

    _dirs, files = default_storage.listdir(f"renders/{credential.pk}")
    for name in files:
        default_storage.delete(f"renders/{credential.pk}/{name}")
    assert certificate_png(credential) == before_png
    newcomer = publish_to(never_group, name="Ada Lovelace", email="ada2@example.org")
    assert rendering.pinned_version_id(newcomer) == other.current_version_id
    assert _pixels(certificate_png(newcomer)) != _pixels(before_png)


def _pixels(png):
    return Image.open(io.BytesIO(png)).convert("RGB").tobytes()


def test_a_certificate_pdf_carries_the_signed_credential_and_is_cached(owner, never_group,
                                                                       publish_to, media):  # fmt: skip
    from pypdf import PdfReader

    credential = publish_to(never_group)
    pdf = certificate_pdf(credential)
    reader = PdfReader(io.BytesIO(pdf))
    attached = reader.attachments["credential.json"][0]
    import json

    assert json.loads(attached)["proof"] == credential.document["proof"]
    assert "Ada Lovelace" in reader.pages[0].extract_text()
    assert certificate_pdf(credential) == pdf
    assert len(list((media / "renders" / credential.pk).iterdir())) == 1


def test_a_missing_file_in_a_published_design_renders_a_placeholder(owner, never_group,
                                                                    publish_to, media):  # fmt: skip
    design = new_design(owner)
    services.upload_asset(actor=owner, design_id=design.pk, filename="logo.png",
                          data=png_bytes(), use_as="image")  # fmt: skip
    services.use_for_group(actor=owner, design_id=design.pk, group_key=never_group.key)
    credential = publish_to(never_group)
    for asset in DesignAsset.objects.all():
        (media / asset.file.name).unlink()  # the storage lost it
    assert certificate_pdf(credential).startswith(b"%PDF-")
    assert certificate_png(credential).startswith(b"\x89PNG")


def test_pinning_many_at_once_gives_what_pinning_one_by_one_gives(owner, never_group, publish_to):
    first = new_design(owner)
    credentials = [publish_to(never_group, email="before@example.org")]  # the built-in design
    services.use_for_group(actor=owner, design_id=first.pk, group_key=never_group.key)
    credentials.append(publish_to(never_group, email="v1@example.org"))
    services.save_design(actor=owner, design_id=first.pk,
                         layout=with_text(first.current_version.layout, "v2"))  # fmt: skip
    credentials.append(publish_to(never_group, email="v2@example.org"))
    other = new_design(owner, "certificate-modern", name="Modern")
    services.use_for_group(actor=owner, design_id=other.pk, group_key=never_group.key)
    badge = new_design(owner, "badge-seal", name="Seal")
    services.use_for_group(actor=owner, design_id=badge.pk, group_key=never_group.key)
    credentials.append(publish_to(never_group, email="other@example.org"))

    together = pinning.pin_many(credentials)
    answers = {c: (p.certificate_version_id, p.badge_version_id) for c, p in together.items()}
    CredentialDesign.objects.all().delete()
    one_by_one = {c.pk: pinning.pin(c) for c in credentials}
    assert answers == {c: (p.certificate_version_id, p.badge_version_id)
                       for c, p in one_by_one.items()}  # fmt: skip
    assert [answers[c.pk][0] for c in credentials] == [
        None,
        first.versions.get(number=1).pk,
        first.versions.get(number=2).pk,
        other.current_version_id,
    ]
    assert answers[credentials[-1].pk][1] == badge.current_version_id
    assert pinning.pin_many(credentials).keys() == answers.keys()  # kept: nothing new written
