"""One credential, as the issuer sees it: its facts and what happened to it since it was
published (page views, downloads, LinkedIn adds, verifications)."""

from __future__ import annotations

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from laurel.analytics.selectors import credential_totals
from laurel.credentials import selectors
from laurel.web.access import organization_view
from laurel.web.activity import activity


@require_safe
@organization_view("view")
def credential_detail(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = selectors.get_credential(request.organization, credential_id=credential_id)
    return render(
        request,
        "web/credentials/detail.html",
        {
            "credential": credential,
            "activity": activity(request, partial(credential_totals, credential)),
        },
    )
