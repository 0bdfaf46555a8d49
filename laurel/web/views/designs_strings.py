"""The words studio.js shows, translated here and handed to it in a json_script block
(the CSP allows no inline script, and the studio needs no JavaScript catalogue view).

studio.js asks for each by its English text (`t("Preview up to date.")`); a word not
listed here is shown in English.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

STUDIO_STRINGS = (
    gettext_noop("Drag to resize (Alt+arrow keys)"),
    gettext_noop("Drag to rotate ([ and ] keys; Shift: 15° steps)"),
    gettext_noop("Added: {element}"),
    gettext_noop("Select an element on the page to change it."),
    gettext_noop("Variables:"),
    gettext_noop("Remove this element"),
    gettext_noop("The preview cannot be drawn:"),
    gettext_noop("Preview up to date."),
    gettext_noop("The preview could not be fetched; it will be retried on the next change."),
    gettext_noop("Text"),
    gettext_noop("Font"),
    gettext_noop("Size (pt)"),
    gettext_noop("Weight"),
    gettext_noop("Italic"),
    gettext_noop("Colour"),
    gettext_noop("Alignment"),
    gettext_noop("Vertical alignment"),
    gettext_noop("Rotation (°)"),
    gettext_noop("Shrink to fit its box"),
    gettext_noop("Wrap lines"),
    gettext_noop("Capitals"),
    gettext_noop("X (mm)"),
    gettext_noop("Y (mm)"),
    gettext_noop("Width (mm)"),
    gettext_noop("Height (mm)"),
    gettext_noop("File"),
    gettext_noop("Fit"),
    gettext_noop("Opacity (0–1)"),
    gettext_noop("Content"),
    gettext_noop("Size (mm)"),
    gettext_noop("Thickness (mm)"),
    gettext_noop("From X (mm)"),
    gettext_noop("From Y (mm)"),
    gettext_noop("To X (mm)"),
    gettext_noop("To Y (mm)"),
    gettext_noop("Fill"),
    gettext_noop("Outline"),
    gettext_noop("Outline thickness (mm)"),
    gettext_noop("Corner radius (mm)"),
    gettext_noop("Centre X (mm)"),
    gettext_noop("Centre Y (mm)"),
    gettext_noop("Radius (mm)"),
    gettext_noop("Sides"),
    gettext_noop("serif"),
    gettext_noop("sans"),
    gettext_noop("serif-display"),
    gettext_noop("sans-display"),
    gettext_noop("regular"),
    gettext_noop("bold"),
    gettext_noop("left"),
    gettext_noop("center"),
    gettext_noop("right"),
    gettext_noop("start"),
    gettext_noop("end"),
    gettext_noop("top"),
    gettext_noop("middle"),
    gettext_noop("bottom"),
    gettext_noop("contain"),
    gettext_noop("cover"),
    gettext_noop("stretch"),
    gettext_noop("Image"),
    gettext_noop("QR code"),
    gettext_noop("Line"),
    gettext_noop("Box"),
    gettext_noop("Ellipse"),
    gettext_noop("Shield"),
    gettext_noop("Polygon"),
)


def studio_strings() -> dict[str, str]:
    """Each of studio.js's English strings and its translation in the active language."""
    return {text: gettext(text) for text in STUDIO_STRINGS}
