"""The design studio in a real browser: place an element, move it with the mouse and the
arrow keys, edit it in the side panel, undo and redo, watch the preview redraw, save a
version; every page checked by axe-core and screenshotted at desktop and phone widths."""

from __future__ import annotations

import json

import pytest

from laurel.designs import services
from laurel.designs.models import Design
from tests.web.conftest import PASSWORD, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<script>alert(1)</script> {{7*7}}"


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
def studio(org_factory, user_factory, group_factory):
    from laurel.credentials.services import issue
    from laurel.organizations.permissions import Actor

    user = user_factory("designer@acme.example", password=PASSWORD)
    organization = org_factory("Acme Academy", owner=user)
    owner = Actor(organization=organization, role="owner", user=user)
    group = group_factory(organization, title=f"Course {HOSTILE}")
    issue(actor=owner, group_key=group.key, recipient_name=f"Ada {HOSTILE}",
          recipient_email="ada@example.org")  # fmt: skip
    issue(actor=owner, group_key=group.key, recipient_name="ليلى عبد الرحمن",
          recipient_email="layla@example.org")  # fmt: skip
    design = services.create_design(actor=owner, name=f"Classic {HOSTILE}",
                                    starter_name="certificate-classic")  # fmt: skip
    services.create_design(actor=owner, name="Seal", starter_name="badge-seal")
    return organization, design


def layout_of(page) -> dict:
    return json.loads(page.locator("#id_layout").input_value())


def generation(page) -> int:
    return int(page.locator("#studio-preview").get_attribute("data-generation"))


def wait_for_redraw(page, after: int) -> None:
    page.wait_for_function(
        "n => Number(document.getElementById('studio-preview').dataset.generation) > n", arg=after
    )


def test_place_move_edit_undo_redo_and_save_an_element(page, studio):
    organization, design = studio
    sign_in(page, "designer@acme.example")
    page.wait_for_url("**/organizations/**")
    page.goto(f"/organizations/{organization.slug}/designs/")
    page.get_by_role("heading", name="Designs").wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.design-thumb img')]"
        ".every(i => i.complete && i.naturalWidth)"
    )
    look(page, "designs-list")

    page.get_by_role("link", name="Classic").first.click()
    page.locator("#studio-toolbar").wait_for()
    look(page, "designs-studio")
    boxes = page.locator(".studio-box")
    before = boxes.count()

    # Place: a text element, selected and focused, the preview redrawn with it.
    drawn = generation(page)
    page.get_by_role("button", name="Text", exact=True).click()
    assert boxes.count() == before + 1
    wait_for_redraw(page, drawn)
    assert page.locator("#studio-preview").get_attribute("src").startswith("data:image/png")
    added = layout_of(page)["elements"][-1]
    assert added["type"] == "text" and added["text"] == "{recipient_name}"
    x0, y0 = added["x"], added["y"]

    # Move with the keyboard: 1 mm, and 10 mm with Shift.
    box = boxes.nth(before)
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    moved = layout_of(page)["elements"][-1]
    assert (moved["x"], moved["y"]) == (pytest.approx(x0 + 1), pytest.approx(y0 + 10))

    # Move with the mouse: about 100 px to the right, in millimetres.
    area = box.bounding_box()
    page.mouse.move(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] / 2 + 50, area["y"] + area["height"] / 2, steps=4)
    page.mouse.move(area["x"] + area["width"] / 2 + 100, area["y"] + area["height"] / 2, steps=4)
    page.mouse.up()
    stage_width = page.locator("#studio-stage").bounding_box()["width"]
    dragged = layout_of(page)["elements"][-1]
    assert dragged["x"] - moved["x"] == pytest.approx(100 * 297 / stage_width, abs=1)
    assert dragged["y"] == pytest.approx(moved["y"])

    # Edit in the side panel; the preview follows.
    drawn = generation(page)
    page.get_by_label("Text", exact=True).fill(f"Awarded to {{recipient_name}} {HOSTILE}")
    page.get_by_label("Weight").select_option("bold")
    page.get_by_label("Colour").fill("#aa2200")
    wait_for_redraw(page, drawn)
    edited = layout_of(page)["elements"][-1]
    assert edited["text"] == f"Awarded to {{recipient_name}} {HOSTILE}"
    assert edited["weight"] == "bold" and edited["colour"] == "#aa2200"
    look(page, "designs-studio-editing")

    # Undo and redo, with the buttons and the keyboard.
    page.get_by_role("button", name="Undo").click()
    assert layout_of(page)["elements"][-1].get("colour") == "#222222"
    page.get_by_role("button", name="Redo").click()
    assert layout_of(page)["elements"][-1]["colour"] == "#aa2200"
    boxes.nth(before).focus()
    page.keyboard.press("Control+z")
    assert layout_of(page)["elements"][-1].get("colour") == "#222222"
    page.keyboard.press("Control+Shift+z")
    assert layout_of(page)["elements"][-1]["colour"] == "#aa2200"

    # The preview with other values: the organization's longest name, a right-to-left one.
    for choice in ("longest", "rtl"):
        drawn = generation(page)
        page.get_by_label("Preview with").select_option(choice)
        wait_for_redraw(page, drawn)

    # Save: a new version holding the element as placed and edited.
    page.get_by_role("button", name="Save as a new version").click()
    page.get_by_text("Saved as version 2.").wait_for()
    design = Design.objects.get(pk=design.pk)
    saved = design.current_version.layout["elements"][-1]
    assert design.current_version.number == 2
    assert saved["text"] == edited["text"] and saved["x"] == dragged["x"]
    assert page.dialogs == []


def test_an_unknown_variable_is_shown_at_save_and_the_layout_kept(page, studio):
    organization, design = studio
    sign_in(page, "designer@acme.example")
    page.wait_for_url("**/organizations/**")
    page.goto(f"/organizations/{organization.slug}/designs/{design.pk}")
    page.locator("#studio-toolbar").wait_for()
    page.get_by_role("button", name="Text", exact=True).click()
    page.get_by_label("Text", exact=True).fill("{favourite_colour}")
    page.get_by_role("button", name="Save as a new version").click()
    page.get_by_text("unknown variable {favourite_colour}").first.wait_for()
    assert "{favourite_colour}" in page.locator("#id_layout").input_value()
    page.wait_for_function(
        "() => document.getElementById('studio-status').textContent.includes('favourite')"
    )
    look(page, "designs-studio-error")
    assert Design.objects.get(pk=design.pk).current_version.number == 1
    assert page.dialogs == []


def test_a_zip_of_a_groups_certificates_shows_its_progress(page, studio):
    organization, _design = studio
    sign_in(page, "designer@acme.example")
    page.wait_for_url("**/organizations/**")
    page.goto(f"/organizations/{organization.slug}/designs/")
    page.get_by_role("button", name="certificates as ZIP").click()
    page.get_by_text("Certificates drawn").wait_for()
    look(page, "designs-zip")
    assert page.dialogs == []


def test_resize_and_rotate_with_handles_and_keys_then_undo_and_redo(page, studio):
    organization, design = studio
    sign_in(page, "designer@acme.example")
    page.wait_for_url("**/organizations/**")
    page.goto(f"/organizations/{organization.slug}/designs/{design.pk}")
    page.locator("#studio-toolbar").wait_for()
    page.locator("[data-add=box]").click()
    box = page.locator(".studio-box.selected")
    original = layout_of(page)["elements"][-1]
    mm_per_px = 297 / page.locator("#studio-stage").bounding_box()["width"]

    # Resize with the bottom-right handle: 80 px wider, 40 px taller.
    handle = box.locator(".studio-handle-se").bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 20, steps=3)
    page.mouse.move(x + 80, y + 40, steps=3)
    page.mouse.up()
    resized = layout_of(page)["elements"][-1]
    assert resized["width"] - original["width"] == pytest.approx(80 * mm_per_px, abs=1)
    assert resized["height"] - original["height"] == pytest.approx(40 * mm_per_px, abs=1)
    assert (resized["x"], resized["y"]) == (original["x"], original["y"])  # the corner held

    # Resize with the keyboard: Alt+Shift+ArrowDown is 10 mm taller.
    box.focus()
    page.keyboard.press("Alt+Shift+ArrowDown")
    taller = layout_of(page)["elements"][-1]
    assert taller["height"] == pytest.approx(resized["height"] + 10)
    assert taller["width"] == resized["width"]

    # Rotate with the round handle: dragged to the right of the centre is a quarter turn.
    drawn = generation(page)
    area = box.bounding_box()
    centre = (area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    knob = box.locator(".studio-rotate").bounding_box()
    page.mouse.move(knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2)
    page.mouse.down()
    page.mouse.move(centre[0] + 60, centre[1] - 60, steps=3)
    page.mouse.move(centre[0] + 120, centre[1], steps=3)
    page.mouse.up()
    assert layout_of(page)["elements"][-1]["rotation"] == 90
    assert "rotate(90deg)" in box.get_attribute("style")
    assert page.get_by_label("Rotation (°)").input_value() == "90"

    # Rotate with the keyboard: Shift+] turns 15° more.
    box.focus()
    page.keyboard.press("Shift+BracketRight")
    assert layout_of(page)["elements"][-1]["rotation"] == 105
    wait_for_redraw(page, drawn)  # the preview is the real render of the turned box
    look(page, "designs-studio-resize-rotate")

    # Undo each step back to the box as added; redo brings them back in order.
    undo = page.get_by_role("button", name="Undo")
    expected = [
        ("rotation", 90),
        ("rotation", original.get("rotation")),
        ("height", resized["height"]),
        ("width", original["width"]),
    ]
    for field, value in expected:
        undo.click()
        assert layout_of(page)["elements"][-1].get(field) == value
    assert layout_of(page)["elements"][-1] == original
    page.get_by_role("button", name="Redo").click()
    assert layout_of(page)["elements"][-1] == resized
    box = page.locator(".studio-box").last
    box.focus()
    page.keyboard.press("Control+Shift+z")
    page.keyboard.press("Control+Shift+z")
    page.keyboard.press("Control+Shift+z")
    assert layout_of(page)["elements"][-1]["rotation"] == 105
    assert page.dialogs == []


def test_a_badge_is_composed_and_previewed_in_the_studio(page, studio):
    organization, _design = studio
    badge = Design.objects.get(name="Seal")
    sign_in(page, "designer@acme.example")
    page.wait_for_url("**/organizations/**")
    page.goto(f"/organizations/{organization.slug}/designs/{badge.pk}")
    page.locator("#studio-toolbar").wait_for()
    page.locator("#id_shape").select_option("shield")
    page.get_by_label("First line").fill("Data {group_title}")
    page.get_by_role("button", name="Compose", exact=True).click()
    page.get_by_text("Badge composed; saved as version 2.").wait_for()
    layout = layout_of(page)
    assert [e["type"] for e in layout["elements"]][:3] == ["shield", "shield", "shield"]
    assert page.locator(".studio-box").count() == len(layout["elements"])
    # The saved version's render, not the browser's copy of the one before.
    assert page.locator("#studio-preview").get_attribute("src").endswith("?version=2")
    page.wait_for_function(
        "() => document.getElementById('studio-preview').complete"
        " && document.getElementById('studio-preview').naturalWidth > 0"
    )
    look(page, "designs-studio-badge")

    # Chosen for the group: a credential published now shows (and bakes) this badge.
    page.get_by_role("button", name="Use this design").click()
    page.get_by_text("now uses this design").first.wait_for()
    from laurel.credentials.models import Credential
    from laurel.credentials.services import issue
    from laurel.organizations.permissions import Actor

    group = Credential.objects.filter(organization=organization).first().group
    owner = Actor(organization=organization, role="owner", user=badge.versions.first().created_by)
    credential = issue(actor=owner, group_key=group.key, recipient_name="Grace Hopper",
                       recipient_email="grace@example.org")  # fmt: skip
    page.goto(f"/credential/{credential.pk}")
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.credential-medallion')]"
        ".some(i => i.complete && i.naturalWidth === 600)"
    )
    look(page, "public-credential-designed-badge")
    assert page.dialogs == []
