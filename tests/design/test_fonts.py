"""Fonts come from the system; what is missing is said at start, not found as boxes."""

import pytest

from laurel.design import FontError, check_fonts
from laurel.design.fonts import FONT_PACKAGES, face_chain, load_face


def test_every_font_a_layout_may_use_is_installed_here():
    assert check_fonts() == [], "install " + " ".join(FONT_PACKAGES)


def test_a_missing_font_is_named_with_the_package_that_brings_it():
    with pytest.raises(
        FontError,
        match=r"Noto Serif Klingon Regular is not installed \(apt-get install fonts-noto-core\)",
    ):
        load_face("Noto Serif Klingon", "Regular")


def test_unknown_family_or_weight_is_refused():
    with pytest.raises(FontError, match="unknown font family 'comic'"):
        face_chain("comic")
    with pytest.raises(FontError, match="unknown weight 'black'"):
        face_chain("serif", "black")


def test_each_family_falls_back_by_script():
    chain = face_chain("serif", "bold")
    assert chain.latin.name == "Noto Serif Bold"
    assert chain.face_for(ord("ب"), cjk_region="SC", emoji=False).name == "Noto Naskh Arabic Bold"
    assert chain.face_for(ord("ก"), cjk_region="SC", emoji=False).name == "Noto Serif Thai Bold"
    assert chain.face_for(ord("語"), cjk_region="JP", emoji=False).name == "Noto Serif CJK JP Bold"
    assert chain.face_for(0x1F600, cjk_region="SC", emoji=True).name == "Noto Color Emoji Regular"
    assert chain.face_for(ord("∑"), cjk_region="SC", emoji=False) is not None
