"""Uploaded SVG made safe to keep and to show: only drawing elements and presentation
attributes survive; no script, no event handler, no foreign content, no reference outside
the file (links, `url(...)`, `@import`, external `href`). A DOCTYPE (entities) is refused.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
MAX_SVG_BYTES = 2 * 1024 * 1024

ELEMENTS = frozenset(
    "svg g defs symbol use title desc path rect circle ellipse line polyline polygon text "
    "tspan textPath linearGradient radialGradient stop clipPath mask pattern style image "
    "filter feGaussianBlur feOffset feBlend feFlood feComposite feMerge feMergeNode "
    "feColorMatrix feDropShadow marker".split()
)
ATTRIBUTES = frozenset(
    "id class style transform d x y x1 y1 x2 y2 cx cy r rx ry fx fy width height viewBox "
    "preserveAspectRatio points fill fill-opacity fill-rule stroke stroke-width "
    "stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset "
    "stroke-opacity opacity clip-path clip-rule mask font-family font-size font-weight "
    "font-style text-anchor dominant-baseline letter-spacing word-spacing dx dy rotate "
    "offset stop-color stop-opacity gradientUnits gradientTransform spreadMethod "
    "patternUnits patternContentUnits patternTransform clipPathUnits maskUnits "
    "maskContentUnits visibility display color stdDeviation in in2 result mode operator "
    "k1 k2 k3 k4 values type flood-color flood-opacity filter filterUnits markerWidth "
    "markerHeight refX refY orient markerUnits marker-start marker-mid marker-end "
    "version href xml:space role aria-label".split()
)
_URL = re.compile(r"url\(\s*(['\"]?)([^)'\"]*)\1\s*\)", re.IGNORECASE)
_OUTSIDE_URL_DECLARATION = re.compile(
    r"[^;{}]*url\(\s*['\"]?\s*(?!#)[^)]*\)[^;{}]*;?", re.IGNORECASE
)
_IMAGE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")


class UnsafeSVG(ValueError):
    """An SVG that cannot be kept (not well-formed, a DOCTYPE, too large, not an SVG)."""


def sanitize_svg(data: bytes) -> bytes:
    """The SVG with everything but drawing removed; UnsafeSVG when it cannot be read."""
    if len(data) > MAX_SVG_BYTES:
        raise UnsafeSVG(f"the SVG is larger than {MAX_SVG_BYTES // 1024 // 1024} MB")
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise UnsafeSVG("the SVG declares a DOCTYPE or entities")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise UnsafeSVG(f"the SVG is not well-formed XML ({exc})") from None
    if root.tag != f"{{{SVG}}}svg":
        raise UnsafeSVG("the file's root element is not <svg>")
    _clean(root)
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _clean(element: ET.Element) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or _local(child.tag, SVG) not in ELEMENTS:
            element.remove(child)  # script, foreignObject, other namespaces, comments
            continue
        _clean(child)
    for name in list(element.attrib):
        value = element.attrib[name]
        local = _attribute(name)
        if local is None or not _safe_value(local, value):
            del element.attrib[name]
    if _local(element.tag, SVG) == "style" and element.text:
        element.text = _clean_css(element.text)


def _local(tag: str, namespace: str) -> str | None:
    prefix = f"{{{namespace}}}"
    return tag[len(prefix) :] if tag.startswith(prefix) else None


def _attribute(name: str) -> str | None:
    if name.startswith(f"{{{XLINK}}}"):
        return "href" if name.endswith("}href") else None
    if name == "{http://www.w3.org/XML/1998/namespace}space":
        return "xml:space"
    if name.startswith("{") or name.lower().startswith("on") or name not in ATTRIBUTES:
        return None
    return name


def _safe_value(name: str, value: str) -> bool:
    if name == "href":
        stripped = value.strip()
        return stripped.startswith("#") or bool(_IMAGE_DATA.match(stripped))
    if name == "style":
        return _clean_css(value) == value
    lowered = value.lower()
    if "javascript:" in lowered or "expression(" in lowered:
        return False
    return all(target.startswith("#") for _quote, target in _URL.findall(value))


def _clean_css(css: str) -> str:
    """CSS without @import and without url() pointing anywhere but inside the file."""
    css = re.sub(r"@import[^;]*;?", "", css, flags=re.IGNORECASE)
    css = re.sub(r"(?i)expression\s*\(", "(", css)
    css = re.sub(r"(?i)javascript:", "", css)

    # A declaration with an outside url() goes whole (a "fill: none" in its place would
    # override the element's own fill).
    return _OUTSIDE_URL_DECLARATION.sub("", css)
