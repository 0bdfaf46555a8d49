"""Badge designs: composed from a shape, colours and text, or one uploaded PNG or SVG (kept
sanitised); the group's badge design is the picture `achievement.image` points to and the
one /credential/<id>.png and .svg bake, in the version the credential was published with."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from laurel.design import parse_layout, prepare, render_png, sample_values
from laurel.designs import rendering, services
from laurel.designs.models import DesignAsset
from laurel.organizations.errors import ValidationError
from laurel.vc.baking import unbake_png, unbake_svg

pytestmark = pytest.mark.django_db


def badge_design(owner, starter_name="badge-hexagon"):
    return services.create_design(actor=owner, name="Our badge", starter_name=starter_name)


def png_bytes(size=(64, 64), colour=(20, 120, 200, 255)):
    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def pixels(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGBA")


HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="100" height="100" viewBox="0 0 100 100" onload="alert(1)">
  <script>alert(2)</script>
  <style>@import url(https://evil.example/x.css); circle { fill: url(https://evil.example/p#a) }</style>
  <foreignObject width="10" height="10"><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject>
  <a href="https://evil.example/"><rect width="10" height="10"/></a>
  <image xlink:href="https://evil.example/tracker.png" width="5" height="5"/>
  <use href="#dot"/>
  <circle id="dot" cx="50" cy="50" r="45" fill="#CC3300" onclick="alert(3)"
          style="stroke: url(https://evil.example/s)"/>
</svg>"""


def test_a_composed_badge_is_saved_as_a_new_version_of_every_shape(owner):
    design = badge_design(owner)
    for number, shape in enumerate(("circle", "shield", "hexagon", "ribbon", "rosette"), 2):
        version = services.compose_badge_design(
            actor=owner, design_id=design.pk, shape=shape, fill="#1E3A8A", border="#FBBF24",
            line1="{group_title}", line2="{issuer_name}",
        )  # fmt: skip
        assert version.number == number
        texts = [e["text"] for e in version.layout["elements"] if e["type"] == "text"]
        assert texts == ["{group_title}", "{issuer_name}"]
        png = render_png(prepare(parse_layout(version.layout)), sample_values(), dpi=40)
        image = pixels(png)
        assert image.getpixel((1, 1))[3] == 0  # transparent around the shape
        assert image.getpixel((image.width // 2, image.height // 2))[3] == 255


def test_a_composed_badges_text_is_readable_on_its_fill(owner):
    design = badge_design(owner)
    light = services.compose_badge_design(actor=owner, design_id=design.pk, shape="circle",
                                          fill="#F8FAFC", border="#6D28D9", line1="Hi")  # fmt: skip
    dark = services.compose_badge_design(actor=owner, design_id=design.pk, shape="circle",
                                         fill="#17324D", border="#C8A24A", line1="Hi")  # fmt: skip
    ink = [next(e["colour"] for e in v.layout["elements"] if e["type"] == "text")
           for v in (light, dark)]  # fmt: skip
    assert ink == ["#1F2933", "#FFFFFF"]


def test_a_composed_badge_with_an_icon_draws_the_uploaded_file(owner):
    design = badge_design(owner)
    services.upload_asset(actor=owner, design_id=design.pk, filename="star.png",
                          data=png_bytes(), use_as="image")  # fmt: skip
    icon = DesignAsset.objects.get(design=design).name
    version = services.compose_badge_design(actor=owner, design_id=design.pk, shape="shield",
                                            fill="#FFFFFF", border="#000000", line1="A",
                                            icon=icon)  # fmt: skip
    assert any(e.get("asset") == icon for e in version.layout["elements"])


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"shape": "trapezoid"}, "trapezoid"),
        ({"fill": "red"}, "not a colour"),
        ({"line1": "  "}, "first line"),
        ({"line1": "{favourite_colour}"}, "favourite_colour"),
        ({"icon": "nothing.png"}, "icon"),
    ],
)
def test_a_composed_badge_that_cannot_be_drawn_is_refused(owner, fields, problem):
    design = badge_design(owner)
    arguments = {"shape": "circle", "fill": "#000000", "border": "#FFFFFF", "line1": "A", **fields}
    with pytest.raises(ValidationError, match=problem):
        services.compose_badge_design(actor=owner, design_id=design.pk, **arguments)
    assert design.versions.count() == 1


def test_a_certificate_design_is_not_composed_as_a_badge(owner):
    design = services.create_design(actor=owner, name="C", starter_name="certificate-classic")
    with pytest.raises(ValidationError, match="badge design"):
        services.compose_badge_design(actor=owner, design_id=design.pk, shape="circle",
                                      fill="#000000", border="#FFFFFF", line1="A")  # fmt: skip


def test_an_uploaded_png_becomes_the_whole_badge(owner):
    design = badge_design(owner)
    version = services.upload_asset(actor=owner, design_id=design.pk, filename="Badge.png",
                                    data=png_bytes(), use_as="badge")  # fmt: skip
    [element] = version.layout["elements"]
    assert element["type"] == "image" and element["width"] == element["height"] == 100
    png = rendering.draw_badge(rendering.prepared_layout(version.layout, design),
                               sample_values(), "png")  # fmt: skip
    assert pixels(png).getpixel((300, 300)) == (20, 120, 200, 255)


def test_an_uploaded_svg_is_kept_without_scripts_or_outside_references(owner, media):
    design = badge_design(owner)
    services.upload_asset(actor=owner, design_id=design.pk, filename="badge.svg",
                          data=HOSTILE_SVG, use_as="badge")  # fmt: skip
    asset = DesignAsset.objects.get(design=design)
    kept = (media / asset.file.name).read_bytes().decode()
    for unsafe in ("script", "alert", "onload", "onclick", "evil.example", "foreignObject",
                   "@import", "<a "):  # fmt: skip
        assert unsafe not in kept, unsafe
    assert 'href="#dot"' in kept and 'fill="#CC3300"' in kept  # the drawing is still there
    png = rendering.draw_badge(
        rendering.prepared_layout(design.versions.first().layout, design),
        sample_values(),
        "png",
    )
    red, green, blue, alpha = pixels(png).getpixel((300, 300))
    assert (red, green, blue, alpha) == (0xCC, 0x33, 0x00, 255)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg '
         b'xmlns="http://www.w3.org/2000/svg">&a;</svg>', "DOCTYPE"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "well-formed"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "PNG or SVG"),
        (b"%PDF-1.7\n", "PNG or SVG"),
    ],
)  # fmt: skip
def test_a_badge_upload_that_is_not_a_safe_png_or_svg_is_refused(owner, data, problem):
    design = badge_design(owner)
    with pytest.raises(ValidationError, match=problem):
        services.upload_asset(actor=owner, design_id=design.pk, filename="b", data=data,
                              use_as="badge")  # fmt: skip
    assert not DesignAsset.objects.exists() and design.versions.count() == 1


def test_a_large_badge_upload_is_refused(owner, settings):
    design = badge_design(owner)
    settings.LAUREL_DESIGN_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="larger"):
        services.upload_asset(actor=owner, design_id=design.pk, filename="b.png",
                              data=png_bytes(), use_as="badge")  # fmt: skip


def test_a_certificate_is_not_given_a_whole_badge_picture(owner):
    design = services.create_design(actor=owner, name="C", starter_name="certificate-classic")
    with pytest.raises(ValidationError, match="how the file is used"):
        services.upload_asset(actor=owner, design_id=design.pk, filename="b.png",
                              data=png_bytes(), use_as="badge")  # fmt: skip


def test_the_groups_badge_design_is_the_achievement_image_and_the_baked_picture(
    client, owner, never_group, publish_to
):
    design = badge_design(owner, "badge-ribbon")
    services.use_for_group(actor=owner, design_id=design.pk, group_key=never_group.key)
    credential = publish_to(never_group)
    image = credential.document["credentialSubject"]["achievement"]["image"]
    assert image == {"id": f"{credential.url}/badge.png", "type": "Image"}

    badge = client.get(f"/credential/{credential.pk}/badge.png")
    assert badge.status_code == 200 and badge["Content-Type"] == "image/png"
    drawn = rendering.draw_badge(
        rendering.prepared_layout(design.current_version.layout, design),
        rendering.credential_values(credential),
        "png",
    )
    assert badge.content == drawn and pixels(drawn).size == (600, 600)

    baked = client.get(f"/credential/{credential.pk}.png").content
    assert unbake_png(baked) == credential.document
    assert pixels(baked).tobytes() == pixels(drawn).tobytes()  # the same picture, baked

    svg = client.get(f"/credential/{credential.pk}.svg").content.decode()
    assert unbake_svg(svg) == credential.document
    assert "aria-label" in svg and "<path" in svg  # the design's vector drawing


def test_a_published_badge_keeps_its_version_after_the_groups_design_changed(
    client, owner, never_group, publish_to
):
    design = badge_design(owner)
    services.use_for_group(actor=owner, design_id=design.pk, group_key=never_group.key)
    before = publish_to(never_group)
    first = client.get(f"/credential/{before.pk}/badge.png").content
    services.compose_badge_design(actor=owner, design_id=design.pk, shape="circle",
                                  fill="#BE123C", border="#881337", line1="New look")  # fmt: skip
    assert client.get(f"/credential/{before.pk}/badge.png").content == first
    rendering_again = rendering.draw_badge(
        rendering.prepared_version(design.versions.get(number=1).pk, "badge"),
        rendering.credential_values(before),
        "png",
    )
    assert first == rendering_again
    after = publish_to(never_group, email="grace@example.org")
    assert client.get(f"/credential/{after.pk}/badge.png").content != first


def test_a_group_image_url_is_kept_until_the_group_chooses_a_badge_design(
    owner, group_factory, acme, publish_to
):
    group = group_factory(acme, title="With an image", image="https://cdn.example.org/b.png")
    kept = publish_to(group)
    assert kept.document["credentialSubject"]["achievement"]["image"]["id"] == (
        "https://cdn.example.org/b.png"
    )
    design = badge_design(owner)
    services.use_for_group(actor=owner, design_id=design.pk, group_key=group.key)
    group.refresh_from_db()
    designed = publish_to(group, email="grace@example.org")
    assert designed.document["credentialSubject"]["achievement"]["image"]["id"] == (
        f"{designed.url}/badge.png"
    )


def test_the_page_shows_the_badge_its_achievement_image_points_to(
    client, owner, group_factory, acme, publish_to
):
    group = group_factory(acme, title="Pictured", image="https://cdn.example.org/b.png")
    kept = publish_to(group)
    page = client.get(f"/credential/{kept.pk}").content.decode()
    assert 'src="https://cdn.example.org/b.png"' in page
    design = badge_design(owner)
    services.use_for_group(actor=owner, design_id=design.pk, group_key=group.key)
    designed = publish_to(group, email="grace@example.org")
    page = client.get(f"/credential/{designed.pk}").content.decode()
    # the designed badge, as in its achievement.image, not the group's URL
    assert "https://cdn.example.org/b.png" not in page
    assert f'src="/credential/{designed.pk}/badge.png"' in page


def test_without_a_badge_design_the_badge_is_the_built_in_medallion(client, never_group,
                                                                    publish_to):  # fmt: skip
    credential = publish_to(never_group)
    image = credential.document["credentialSubject"]["achievement"]["image"]["id"]
    assert image == f"{credential.url}/badge.png"
    badge = client.get(f"/credential/{credential.pk}/badge.png")
    assert badge.status_code == 200 and pixels(badge.content).size == (600, 600)
    baked = client.get(f"/credential/{credential.pk}.png").content
    assert pixels(baked).tobytes() == pixels(badge.content).tobytes()


def test_a_private_badge_is_refused_to_strangers(client, never_group, publish_to, media):
    credential = publish_to(never_group, email="private@example.org", privacy="private")
    assert client.get(f"/credential/{credential.pk}/badge.png").status_code == 403
    assert client.get("/credential/nope/badge.png").status_code == 404


def test_the_share_card_shows_the_designed_badge(client, owner, never_group, publish_to):
    design = badge_design(owner, "badge-hexagon")
    services.use_for_group(actor=owner, design_id=design.pk, group_key=never_group.key)
    credential = publish_to(never_group)
    card = pixels(client.get(f"/credential/{credential.pk}/preview.png").content)
    badge = pixels(client.get(f"/credential/{credential.pk}/badge.png").content).resize((300, 300))
    expected = Image.new("RGBA", (300, 300), (255, 255, 255, 255))
    expected.alpha_composite(badge)
    shown = card.crop((110, 165, 410, 465))
    assert shown.convert("RGB").tobytes() == expected.convert("RGB").tobytes()


def test_the_credential_page_shows_the_designed_badge(client, owner, never_group, publish_to):
    plain = publish_to(never_group, email="plain@example.org")
    assert (
        f'src="{plain.url}/badge.png"' not in client.get(f"/credential/{plain.pk}").content.decode()
    )
    design = badge_design(owner)
    services.use_for_group(actor=owner, design_id=design.pk, group_key=never_group.key)
    credential = publish_to(never_group)
    page = client.get(f"/credential/{credential.pk}").content.decode()
    assert f'src="/credential/{credential.pk}/badge.png"' in page
