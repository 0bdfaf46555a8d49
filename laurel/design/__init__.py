"""Certificate and badge designs rendered to PDF, PNG and SVG. Pure Python, no Django.

    layout = parse_layout(document, custom_fields=["grade"], assets=uploaded.keys())
    prepared = prepare(layout, uploaded)           # once per design version
    pdf = render_pdf(prepared, values, credential=signed)   # a few ms each
    png = render_png(prepared, values, dpi=150)

Fonts come from the system (Debian's Noto packages); `check_fonts()` lists what is missing.
"""

from laurel.design.assets import AssetError
from laurel.design.compose import RenderReport
from laurel.design.fonts import FontError, MissingFont, check_fonts
from laurel.design.layout import Layout, LayoutError, layout_schema, parse_layout
from laurel.design.output import render_png, render_svg
from laurel.design.render import PreparedLayout, prepare, render_pdf, render_pdf_with_report
from laurel.design.starters import sample_values, starter, starter_names
from laurel.design.variables import VARIABLES, DateFormat, TemplateError, Values

__all__ = [
    "VARIABLES",
    "AssetError",
    "DateFormat",
    "FontError",
    "Layout",
    "LayoutError",
    "MissingFont",
    "PreparedLayout",
    "RenderReport",
    "TemplateError",
    "Values",
    "check_fonts",
    "layout_schema",
    "parse_layout",
    "prepare",
    "render_pdf",
    "render_pdf_with_report",
    "render_png",
    "render_svg",
    "sample_values",
    "starter",
    "starter_names",
]
