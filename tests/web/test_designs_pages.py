"""The design studio's pages × who asks: every member designs (Owner, Admin, Issuer);
signed out goes to sign in; a member of another organization gets 404 for acme's pages and
ids, never 403."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from laurel.designs import services
from laurel.designs.models import CertificateZip, Design, GroupDesign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def design(owner):
    return services.create_design(actor=owner, name="Classic", starter_name="certificate-classic")


def base(organization):
    return f"/organizations/{organization.slug}/designs/"


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("who", ["owner", "admin", "issuer"])
def test_every_member_sees_the_list_and_the_studio(member_login, actors, design, who):
    client = member_login(actors[who].user)
    listing = client.get(base(design.organization))
    assert listing.status_code == 200 and "Classic" in listing.content.decode()
    studio = client.get(f"{base(design.organization)}{design.pk}")
    body = studio.content.decode()
    assert studio.status_code == 200 and "Save as a new version" in body
    assert 'src="/static/web/studio.js' in body or "studio.js" in body


@pytest.mark.parametrize("who", ["owner", "admin", "issuer"])
def test_every_member_creates_a_design_from_a_starter(member_login, actors, acme, who):
    client = member_login(actors[who].user)
    response = client.post(base(acme), {"name": "Gala", "starter": "certificate-elegant"})
    design = Design.objects.get(organization=acme, name="Gala")
    assert response.status_code == 302 and response["Location"].endswith(f"/designs/{design.pk}")
    assert design.current_version.layout["name"] == "Elegant"


def test_a_new_design_without_a_name_keeps_the_choice_and_says_why(member_login, owner, acme):
    response = member_login(owner.user).post(base(acme), {"name": "", "starter": "badge-ring"})
    assert response.status_code == 400 and not Design.objects.exists()
    assert 'value="badge-ring" selected' in response.content.decode()


def test_signed_out_goes_to_sign_in(client, design):
    for url in (base(design.organization), f"{base(design.organization)}{design.pk}"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_outsider_gets_404_for_every_page_and_post(member_login, outsider, design,
                                                     never_group):  # fmt: skip
    client = member_login(outsider.user)
    root = base(design.organization)
    layout = json.dumps(design.current_version.layout)
    for url in (root, f"{root}{design.pk}", f"{root}{design.pk}/preview.png"):
        assert client.get(url).status_code == 404
    posts = [
        (root, {"name": "x", "starter": "certificate-classic"}),
        (f"{root}{design.pk}/save", {"name": "x", "layout": layout}),
        (f"{root}{design.pk}/use", {"group": never_group.key}),
        (
            f"{root}{design.pk}/compose",
            {"shape": "circle", "fill": "#000000", "border": "#FFFFFF", "line1": "x"},
        ),
        (f"{root}zips", {"group": never_group.key}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404
    assert design.versions.count() == 1 and not GroupDesign.objects.exists()


def test_another_organizations_design_id_is_404_in_my_own_organization(member_login, outsider,
                                                                      design):  # fmt: skip
    client = member_login(outsider.user)
    mine = base(outsider.organization)
    assert client.get(f"{mine}{design.pk}").status_code == 404
    assert client.get(f"{mine}{design.pk}/preview.png").status_code == 404
    response = client.post(f"{mine}{design.pk}/save", {"name": "x", "layout": "{}"})
    assert response.status_code == 404


def test_saving_makes_a_version_and_says_so(member_login, issuer, design):
    layout = design.current_version.layout
    layout["elements"][-1]["colour"] = "#123456"
    client = member_login(issuer.user)
    response = client.post(
        f"{base(design.organization)}{design.pk}/save",
        {"name": "Classic (blue)", "layout": json.dumps(layout)},
        follow=True,
    )
    design.refresh_from_db()
    assert design.current_version.number == 2 and design.name == "Classic (blue)"
    assert "Saved as version 2." in response.content.decode()


def test_an_unknown_variable_shows_next_to_the_layout_and_keeps_what_was_typed(
    member_login, owner, design
):
    layout = design.current_version.layout
    layout["elements"].append(
        {"type": "text", "x": 1, "y": 1, "width": 50, "height": 9, "text": "{favourite_colour}"}
    )
    typed = json.dumps(layout)
    response = member_login(owner.user).post(
        f"{base(design.organization)}{design.pk}/save", {"name": "Classic", "layout": typed}
    )
    body = response.content.decode()
    assert response.status_code == 400 and "favourite_colour" in body
    assert "id_layout_error" in body and "{favourite_colour}" in body
    assert design.versions.count() == 1


def test_broken_json_is_refused_with_a_message(member_login, owner, design):
    response = member_login(owner.user).post(
        f"{base(design.organization)}{design.pk}/save", {"name": "Classic", "layout": "{nope"}
    )
    assert response.status_code == 400 and "not valid JSON" in response.content.decode()


def test_uploading_a_background_makes_a_version_that_uses_it(member_login, owner, design):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("back.png", png(), content_type="image/png")
    response = member_login(owner.user).post(
        f"{base(design.organization)}{design.pk}/upload", {"file": upload, "use_as": "background"}
    )
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.current_version.layout["background"]["type"] == "asset"


def test_uploading_something_else_is_refused_next_to_the_field(member_login, owner, design):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = member_login(owner.user).post(
        f"{base(design.organization)}{design.pk}/upload", {"file": upload, "use_as": "background"}
    )
    assert response.status_code == 400 and "PDF, PNG, JPG or SVG" in response.content.decode()
    assert design.versions.count() == 1


def test_the_preview_draws_the_unsaved_layout_posted_as_json(member_login, admin, design):
    client = member_login(admin.user)
    url = f"{base(design.organization)}{design.pk}/preview.png?v=3"
    layout = design.current_version.layout
    layout["background"] = {"type": "colour", "colour": "#FF0000"}
    response = client.post(url, json.dumps({"layout": layout}), content_type="application/json")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert image.getpixel((2, 2)) == (255, 0, 0)
    saved = client.get(url)
    assert Image.open(io.BytesIO(saved.content)).convert("RGB").getpixel((2, 2)) != (255, 0, 0)
    assert design.versions.count() == 1  # a preview saves nothing


def test_a_preview_of_a_broken_layout_answers_400_with_the_problems(member_login, owner, design):
    url = f"{base(design.organization)}{design.pk}/preview.png"
    client = member_login(owner.user)
    bodies = [
        "{nope",
        json.dumps({"layout": {"kind": "certificate"}}),
        json.dumps({"layout": ["a", "list"]}),
        json.dumps({"layout": {"elements": [1, {"text": 2}]}}),
        json.dumps([1, 2]),
    ]
    for body in bodies:
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400 and response.json()["problems"]


def test_the_preview_with_a_real_credential_and_the_longest_name(member_login, owner, design,
                                                                never_group):  # fmt: skip
    from laurel.credentials.services import issue

    issue(actor=owner, group_key=never_group.key, recipient_name="Wolfeschlegelsteinhausen Bergerdorff",
          recipient_email="w@example.org")  # fmt: skip
    client = member_login(owner.user)
    url = f"{base(design.organization)}{design.pk}/preview.png"
    for values in ("longest", "rtl", "sample", "credential:nope"):
        response = client.get(url, {"values": values})
        assert response.status_code == 200 and response.content.startswith(b"\x89PNG")


def test_use_for_a_group_records_the_choice(member_login, issuer, design, never_group):
    response = member_login(issuer.user).post(
        f"{base(design.organization)}{design.pk}/use", {"group": never_group.key}, follow=True
    )
    assert GroupDesign.objects.get(group=never_group).certificate == design
    assert "now uses this design" in response.content.decode()


def test_a_group_zip_is_built_in_the_background_and_downloaded(member_login, owner, never_group,
                                                              design):  # fmt: skip
    import zipfile

    from laurel.credentials.services import issue

    for n in range(3):
        issue(actor=owner, group_key=never_group.key, recipient_name=f"Person {n}",
              recipient_email=f"p{n}@example.org")  # fmt: skip
    client = member_login(owner.user)
    response = client.post(f"{base(owner.organization)}zips", {"group": never_group.key})
    job = CertificateZip.objects.get()
    assert response.status_code == 302 and job.total == 3
    from laurel.designs.zips import build

    build(job.pk)  # what the worker runs
    build(job.pk)  # twice: no harm
    job.refresh_from_db()
    assert job.status == "done" and job.done == 3
    page = client.get(f"{base(owner.organization)}zips/{job.pk}")
    assert "Download the ZIP" in page.content.decode()
    download = client.get(f"{base(owner.organization)}zips/{job.pk}/download")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 3
    assert all(archive.read(n).startswith(b"%PDF-") for n in archive.namelist())


def test_an_outsider_cannot_see_a_zip(member_login, owner, outsider, never_group):
    from laurel.credentials.services import issue

    issue(actor=owner, group_key=never_group.key, recipient_name="A", recipient_email="a@x.org")
    job = services.request_group_zip(actor=owner, group_key=never_group.key)
    client = member_login(outsider.user)
    assert client.get(f"{base(owner.organization)}zips/{job.pk}").status_code == 404
    assert client.get(f"{base(outsider.organization)}zips/{job.pk}").status_code == 404


@pytest.fixture
def badge(owner):
    return services.create_design(actor=owner, name="Seal", starter_name="badge-seal")


COMPOSED = {"shape": "rosette", "fill": "#17324D", "border": "#C8A24A",
            "line1": "{group_title}", "line2": "{issuer_name}", "icon": ""}  # fmt: skip


@pytest.mark.parametrize("who", ["owner", "admin", "issuer"])
def test_every_member_composes_a_badge(member_login, actors, badge, who):
    client = member_login(actors[who].user)
    studio = client.get(f"{base(badge.organization)}{badge.pk}").content.decode()
    assert "Compose the badge" in studio and "The whole badge" in studio
    response = client.post(f"{base(badge.organization)}{badge.pk}/compose", COMPOSED)
    assert response.status_code == 302
    badge.refresh_from_db()
    assert badge.current_version.number == 2
    assert badge.current_version.layout["elements"][0]["inner"] == 0.9  # the rosette's petals


def test_a_composed_badge_with_an_unknown_variable_says_so_and_keeps_what_was_typed(
    member_login, owner, badge
):
    typed = {**COMPOSED, "line1": "{favourite_colour}", "fill": "#AA0000"}
    response = member_login(owner.user).post(f"{base(badge.organization)}{badge.pk}/compose", typed)
    body = response.content.decode()
    assert response.status_code == 400 and "favourite_colour" in body
    assert 'value="#AA0000"' in body and badge.versions.count() == 1


def test_a_certificate_studio_offers_no_badge_composer(member_login, owner, design):
    studio = member_login(owner.user).get(f"{base(design.organization)}{design.pk}")
    assert "Compose the badge" not in studio.content.decode()
    response = member_login(owner.user).post(
        f"{base(design.organization)}{design.pk}/compose", COMPOSED
    )
    assert response.status_code == 400 and design.versions.count() == 1


def test_uploading_a_whole_badge_makes_a_picture_badge(member_login, owner, badge):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = member_login(owner.user).post(
        f"{base(badge.organization)}{badge.pk}/upload",
        {"file": SimpleUploadedFile("ours.png", png(), "image/png"), "use_as": "badge"},
    )
    assert response.status_code == 302
    badge.refresh_from_db()
    [picture] = badge.current_version.layout["elements"]
    assert picture["type"] == "image" and picture["asset"].startswith("ours-")


def test_the_studio_hands_its_words_to_the_script_translated(member_login, owner, design):
    from django.utils import translation

    body = member_login(owner.user).get(f"{base(design.organization)}{design.pk}").content.decode()
    start = body.index('<script id="studio-strings" type="application/json">')
    strings = json.loads(body[start:].split(">", 1)[1].split("</script>", 1)[0])
    assert strings["Remove this element"] == "Remove this element"
    assert strings["Rotation (°)"] == "Rotation (°)"
    with translation.override("fr"):
        from laurel.web.views.designs_strings import STUDIO_STRINGS, studio_strings

        assert set(studio_strings()) == set(STUDIO_STRINGS)


def test_every_word_the_studio_script_shows_is_handed_to_it():
    """studio.js's t("…") calls and its panel labels are each in STUDIO_STRINGS."""
    import re
    from pathlib import Path

    from laurel.web.views.designs_strings import STUDIO_STRINGS

    script = (Path(__file__).parents[2] / "laurel/web/static/web/studio.js").read_text()
    asked = set(re.findall(r'\bt\("((?:[^"\\]|\\.)*)"\)', script))
    labels = set(re.findall(r'\["\w+", (?:"\w+"|\[[^\]]*\]|assets), "([^"]+)"\]', script))
    assert asked and labels
    assert (asked | labels) - set(STUDIO_STRINGS) == set()
    assert not re.search(r'textContent = "[A-Z]', script)  # no English shown untranslated


def test_a_composed_badge_is_offered_again_as_composed(member_login, owner, badge):
    client = member_login(owner.user)
    client.post(
        f"{base(badge.organization)}{badge.pk}/compose", {**COMPOSED, "line2": "Since 1901"}
    )
    body = client.get(f"{base(badge.organization)}{badge.pk}").content.decode()
    assert '<option value="rosette" selected>' in body
    assert 'value="#17324D"' in body and 'value="Since 1901"' in body
