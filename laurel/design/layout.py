"""Layouts: the JSON document a designer saves, checked and read into typed elements.

Positions and lengths are millimetres from the page's top-left corner; font sizes are
points. `parse_layout` checks a document against the schema the project ships
(schema/layout.schema.json), then checks what a schema cannot: every variable exists,
the date format works, every asset is there.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jsonschema

from laurel.design.text import TextStyle
from laurel.design.variables import (
    VARIABLES,
    DateFormat,
    TemplateError,
    check_date_format,
    check_template,
)

PAGE_SIZES_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}


class LayoutError(ValueError):
    """A layout that cannot be saved: each problem names where it is."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Background:
    """A plain colour, an uploaded file (PDF, PNG, JPG or SVG), or nothing (transparent)."""

    colour: str | None = "#FFFFFF"
    asset: str | None = None
    fit: str = "cover"


@dataclass(frozen=True)
class Text:
    """A text box; `text` is a template."""

    x: float
    y: float
    width: float
    height: float
    text: str
    style: TextStyle
    colour: str = "#000000"
    opacity: float = 1.0
    rotation: float = 0.0
    uppercase: bool = False
    only_if: str | None = None
    id: str = ""


@dataclass(frozen=True)
class Image:
    """An uploaded image (logo, signature) fitted into its box."""

    x: float
    y: float
    width: float
    height: float
    asset: str
    fit: str = "contain"
    opacity: float = 1.0
    rotation: float = 0.0
    id: str = ""


@dataclass(frozen=True)
class QRCode:
    """A square QR code; `content` is a template (the verification URL by default)."""

    x: float
    y: float
    size: float
    content: str = "{verification_url}"
    colour: str = "#000000"
    background: str | None = None
    id: str = ""


@dataclass(frozen=True)
class Line:
    """A straight line from (x1, y1) to (x2, y2)."""

    x1: float
    y1: float
    x2: float
    y2: float
    colour: str = "#000000"
    thickness: float = 0.3
    dash: tuple[float, float] | None = None
    opacity: float = 1.0
    cap: str = "butt"
    id: str = ""


@dataclass(frozen=True)
class Shape:
    """A box (optionally rounded), an ellipse, a shield, or a regular polygon or star."""

    kind: str  # box, ellipse, shield (a box's heater shield), polygon
    x: float  # box and ellipse: top-left; polygon: centre
    y: float
    width: float = 0.0
    height: float = 0.0
    radius: float = 0.0  # box: corner radius; polygon: outer radius
    sides: int = 0
    inner: float | None = None
    fill: str | None = None
    stroke: str | None = None
    thickness: float = 0.3
    dash: tuple[float, float] | None = None
    opacity: float = 1.0
    rotation: float = 0.0
    id: str = ""


Element = Text | Image | QRCode | Line | Shape


@dataclass(frozen=True)
class Layout:
    """A whole design: page size in mm, background, date format and elements in order."""

    kind: str
    width: float
    height: float
    background: Background
    elements: tuple[Element, ...]
    dates: DateFormat = DateFormat()
    title: str = "{group_title} – {recipient_name}"
    name: str = ""
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def assets(self) -> set[str]:
        """Names of the uploaded files the layout uses."""
        names = {e.asset for e in self.elements if isinstance(e, Image)}
        if self.background.asset:
            names.add(self.background.asset)
        return names


@functools.cache
def layout_schema() -> dict[str, Any]:
    """The JSON schema every layout must satisfy."""
    text = resources.files("laurel.design").joinpath("schema/layout.schema.json").read_text()
    return json.loads(text)


def parse_layout(
    document: Mapping[str, Any],
    *,
    custom_fields: Iterable[str] = (),
    assets: Iterable[str] | None = None,
) -> Layout:
    """The layout of a JSON document; LayoutError listing every problem.

    `custom_fields` are the custom field names of the group (for `{custom_<field>}`);
    `assets`, when given, are the uploaded file names the layout may refer to.
    """
    validator = jsonschema.Draft202012Validator(layout_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise LayoutError([_schema_problem(e) for e in errors[:20]])
    problems = []
    fields = list(custom_fields)
    templates = [("title", document.get("title", ""))]
    for i, element in enumerate(document["elements"]):
        for key in ("text", "content"):
            if key in element:
                templates.append((f"elements[{i}].{key}", element[key]))
        only_if = element.get("only_if")
        if only_if and only_if not in VARIABLES and only_if[7:] not in fields:
            problems.append(f"elements[{i}].only_if: unknown variable {only_if!r}")
    for where, template in templates:
        try:
            check_template(template, fields)
        except TemplateError as exc:
            problems.append(f"{where}: {exc}")
    layout = _build(document)
    try:
        check_date_format(layout.dates)
    except TemplateError as exc:
        problems.append(f"dates: {exc}")
    if assets is not None:
        missing = sorted(layout.assets() - set(assets))
        problems += [f"the file {name!r} is not uploaded" for name in missing]
    if problems:
        raise LayoutError(problems)
    return layout


def _schema_problem(error: jsonschema.ValidationError) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return f"{where.lstrip('.') or 'layout'}: {error.message}"


def _build(doc: Mapping[str, Any]) -> Layout:
    width, height = _page_size(doc["page"])
    background = doc.get("background", {"type": "colour", "colour": "#FFFFFF"})
    dates = doc.get("dates", {})
    return Layout(
        kind=doc["kind"],
        width=width,
        height=height,
        background=Background(
            colour=background.get("colour") if background["type"] == "colour" else None,
            asset=background.get("asset"),
            fit=background.get("fit", "cover"),
        ),
        elements=tuple(_element(e) for e in doc["elements"]),
        dates=DateFormat(dates.get("format", "long"), dates.get("language", "en")),
        title=doc.get("title", "{group_title} – {recipient_name}"),
        name=doc.get("name", ""),
        source=doc,
    )


def _page_size(page: Mapping[str, Any]) -> tuple[float, float]:
    if page["size"] == "custom":
        return float(page["width"]), float(page["height"])
    short, long = PAGE_SIZES_MM[page["size"]]
    if page.get("orientation", "landscape") == "landscape":
        return long, short
    return short, long


def _element(e: Mapping[str, Any]) -> Element:
    kind = e["type"]
    common = {"id": e.get("id", "")}
    if kind == "text":
        direction = e.get("direction", "auto")
        style = TextStyle(
            family=e.get("font", "serif"),
            weight=e.get("weight", "regular"),
            italic=e.get("italic", False),
            size=e.get("size", 12.0),
            min_size=min(e.get("min_size", 6.0), e.get("size", 12.0)),
            line_height=e.get("line_height", 1.2),
            tracking=e.get("tracking", 0.0),
            wrap=e.get("wrap", True),
            shrink=e.get("shrink", True),
            align=e.get("align", "center"),
            valign=e.get("valign", "middle"),
            direction=None if direction == "auto" else direction,
        )
        return Text(
            e["x"], e["y"], e["width"], e["height"], e["text"], style,
            colour=e.get("colour", "#000000"),
            opacity=e.get("opacity", 1.0),
            rotation=e.get("rotation", 0.0),
            uppercase=e.get("uppercase", False),
            only_if=e.get("only_if"),
            **common,
        )  # fmt: skip
    if kind == "image":
        return Image(
            e["x"], e["y"], e["width"], e["height"], e["asset"],
            fit=e.get("fit", "contain"),
            opacity=e.get("opacity", 1.0),
            rotation=e.get("rotation", 0.0),
            **common,
        )  # fmt: skip
    if kind == "qr":
        return QRCode(
            e["x"], e["y"], e["size"],
            content=e.get("content", "{verification_url}"),
            colour=e.get("colour", "#000000"),
            background=e.get("background"),
            **common,
        )  # fmt: skip
    if kind == "line":
        return Line(
            e["x1"], e["y1"], e["x2"], e["y2"],
            colour=e.get("colour", "#000000"),
            thickness=e.get("thickness", 0.3),
            dash=tuple(e["dash"]) if "dash" in e else None,  # type: ignore[arg-type]
            opacity=e.get("opacity", 1.0),
            cap=e.get("cap", "butt"),
            **common,
        )  # fmt: skip
    is_polygon = kind == "polygon"
    return Shape(
        kind=kind,
        x=e["cx"] if is_polygon else e["x"],
        y=e["cy"] if is_polygon else e["y"],
        width=e.get("width", 0.0),
        height=e.get("height", 0.0),
        radius=e.get("radius", 0.0),
        sides=e.get("sides", 0),
        inner=e.get("inner"),
        fill=e.get("fill"),
        stroke=e.get("stroke"),
        thickness=e.get("thickness", 0.3),
        dash=tuple(e["dash"]) if "dash" in e else None,  # type: ignore[arg-type]
        opacity=e.get("opacity", 1.0),
        rotation=e.get("rotation", 0.0),
        **common,
    )
