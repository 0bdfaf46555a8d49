"""The activity panel of the issuer's pages: a credential's or a group's counts over the
period the issuer picks (?period=7d|30d|365d|all), read by laurel.analytics.selectors."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from laurel.analytics import selectors
from laurel.analytics.models import Kind

DOWNLOAD_LABELS = (
    (Kind.DOWNLOAD_PDF, _("PDF")),
    (Kind.DOWNLOAD_PNG, _("PNG")),
    (Kind.DOWNLOAD_SVG, _("SVG")),
    (Kind.DOWNLOAD_JSON, _("JSON")),
)


def activity(request: HttpRequest, totals_for: Callable[..., selectors.Totals]) -> dict:
    """What web/analytics/_activity.html shows; `totals_for(since=...)` reads the counts."""
    chosen = selectors.period(request.GET.get("period"))
    totals = totals_for(since=chosen.since())
    by_kind = totals.by_kind or {}
    return {
        "period": chosen,
        "periods": selectors.PERIODS,
        "totals": totals,
        "downloads": [(label, by_kind.get(kind, 0)) for kind, label in DOWNLOAD_LABELS],
    }
