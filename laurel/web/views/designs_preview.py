"""/organizations/<org>/designs/<id>/preview.png: the real render of a layout as PNG.

GET draws the saved version; POST draws the unsaved layout the studio sends as JSON
({"layout": …, "values": "sample" | "longest" | "rtl" | "credential:<id>"}), kept a
couple of minutes in the cache so that undo and redo answer at once.
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from laurel.design import LayoutError
from laurel.designs import selectors
from laurel.designs.rendering import preview_png
from laurel.web.access import organization_view

PREVIEW_CACHE_SECONDS = 120
BODY_LIMIT = 1_000_000


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view("manage_designs")
def preview(request: HttpRequest, design_id: int) -> HttpResponse:
    organization = request.organization
    design = selectors.design_of(organization, design_id)
    if request.method == "POST":
        if len(request.body) > BODY_LIMIT:
            return _problem(["the layout is too large"], status=413)
        try:
            body = json.loads(request.body)
            layout, choice = body["layout"], str(body.get("values", "sample"))
        except (ValueError, KeyError, TypeError):
            return _problem(['send {"layout": …} as JSON'])
    else:
        layout, choice = design.current_version.layout, request.GET.get("values", "sample")
    key = (
        "design-preview:"
        + hashlib.sha256(
            json.dumps([organization.pk, design.pk, layout, choice], sort_keys=True).encode()
        ).hexdigest()
    )
    png = cache.get(key)
    if png is None:
        values, _caption = selectors.preview_values(organization, choice)
        try:
            png = preview_png(layout, design, values)
        except LayoutError as error:
            return _problem(error.problems)
        cache.set(key, png, PREVIEW_CACHE_SECONDS)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=60"
    return response


def _problem(problems: list[str], status: int = 400) -> JsonResponse:
    return JsonResponse({"success": False, "problems": problems}, status=status)
