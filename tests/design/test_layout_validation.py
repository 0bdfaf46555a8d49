"""Saving a layout: the schema, the variables and the files are checked, each problem named."""

import copy

import pytest

from laurel.design import LayoutError, layout_schema, parse_layout, starter, starter_names
from laurel.design.layout import Shape, Text


def minimal(**changes):
    document = {
        "version": 1,
        "kind": "certificate",
        "page": {"size": "A4", "orientation": "landscape"},
        "elements": [{"type": "text", "x": 10, "y": 10, "width": 100, "height": 20, "text": "Hi"}],
    }
    document.update(changes)
    return document


def problems_of(document, **kwargs):
    with pytest.raises(LayoutError) as caught:
        parse_layout(document, **kwargs)
    return caught.value.problems


def test_every_starter_is_a_valid_layout():
    names = starter_names()
    assert sum(n.startswith("certificate-") for n in names) >= 4
    assert sum(n.startswith("badge-") for n in names) >= 4
    for name in names:
        layout = parse_layout(starter(name))
        assert layout.elements


def test_page_sizes_and_orientation_in_millimetres():
    assert (parse_layout(minimal()).width, parse_layout(minimal()).height) == (297.0, 210.0)
    portrait = parse_layout(minimal(page={"size": "Letter", "orientation": "portrait"}))
    assert (portrait.width, portrait.height) == (215.9, 279.4)
    custom = parse_layout(minimal(page={"size": "custom", "width": 100, "height": 70}))
    assert (custom.width, custom.height) == (100.0, 70.0)


def test_a_custom_page_needs_its_size():
    assert problems_of(minimal(page={"size": "custom"})) == [
        "page: 'width' is a required property",
        "page: 'height' is a required property",
    ]


def test_unknown_variable_is_an_error_at_save_naming_it():
    document = minimal()
    document["elements"][0]["text"] = "Awarded to {recipient_nmae}"
    (problem,) = problems_of(document)
    assert problem.startswith("elements[0].text: unknown variable {recipient_nmae}")


def test_custom_fields_are_variables_only_when_the_group_has_them():
    document = minimal()
    document["elements"][0]["text"] = "Grade: {custom_grade}"
    assert problems_of(document, custom_fields=["hours"])[0].startswith(
        "elements[0].text: unknown variable {custom_grade}"
    )
    parse_layout(document, custom_fields=["grade"])


def test_every_documented_variable_is_accepted():
    text = " ".join(
        "{" + v + "}"
        for v in (
            "recipient_name", "group_title", "code", "description", "issued_on",
            "valid_until", "credential_id", "verification_url", "issuer_name",
        )
    )  # fmt: skip
    document = minimal()
    document["elements"][0]["text"] = text
    parse_layout(document)


def test_a_lone_brace_is_an_error_and_doubled_braces_are_text():
    document = minimal()
    document["elements"][0]["text"] = "a { b"
    assert "write {{ for a brace" in problems_of(document)[0]
    document["elements"][0]["text"] = "{{literal}}"
    parse_layout(document)


def test_schema_problems_say_where():
    document = minimal()
    document["elements"][0]["size"] = 1000
    document["elements"].append({"type": "qr", "x": 1, "y": 1})
    document["elements"].append(
        {"type": "box", "x": 1, "y": 1, "width": 5, "height": 5, "fill": "red"}
    )
    problems = problems_of(document)
    assert "elements[0].size: 1000 is greater than the maximum of 400" in problems
    assert any(p.startswith("elements[1]: 'size' is a required property") for p in problems)
    assert any(p.startswith("elements[2].fill: 'red' does not match") for p in problems)


def test_unknown_properties_and_element_types_are_refused():
    document = minimal()
    document["elements"][0]["colour"] = "#000000"
    document["elements"][0]["onclick"] = "x"
    document["elements"].append({"type": "video"})
    problems = problems_of(document)
    assert any("onclick" in p for p in problems)
    assert any(p.startswith("elements[1].type: 'video' is not one of") for p in problems)


def test_date_language_must_exist():
    assert problems_of(minimal(dates={"format": "long", "language": "xx"}))[0].startswith(
        "dates: unusable"
    )


def test_only_if_must_name_a_variable():
    document = minimal()
    document["elements"][0]["only_if"] = "valid_untill"
    assert problems_of(document) == ["elements[0].only_if: unknown variable 'valid_untill'"]


def test_assets_the_layout_uses_must_be_uploaded():
    document = minimal(background={"type": "asset", "asset": "paper.pdf"})
    document["elements"].append(
        {"type": "image", "x": 0, "y": 0, "width": 10, "height": 10, "asset": "logo.png"}
    )
    assert problems_of(document, assets=["paper.pdf"]) == ["the file 'logo.png' is not uploaded"]
    assert parse_layout(document, assets=["paper.pdf", "logo.png"]).assets() == {
        "paper.pdf",
        "logo.png",
    }


def test_elements_are_typed():
    layout = parse_layout(starter("certificate-classic"))
    kinds = {type(e) for e in layout.elements}
    assert Text in kinds and Shape in kinds
    recipient = next(e for e in layout.elements if isinstance(e, Text) and e.id == "recipient")
    assert recipient.style.family == "serif-display" and recipient.style.italic


def test_the_schema_is_shipped_and_self_consistent():
    import jsonschema

    schema = layout_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["text"]["properties"]["font"]["enum"] == [
        "serif", "sans", "serif-display", "sans-display",
    ]  # fmt: skip


def test_parsing_does_not_change_the_document():
    document = starter("badge-seal")
    before = copy.deepcopy(document)
    parse_layout(document)
    assert document == before
