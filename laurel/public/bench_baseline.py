"""The yardstick of bench/verify_page.py: one row by primary key, one small template.

Served only when LAUREL_BENCH_BASELINE is on (see urls.py).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from laurel.credentials.models import Credential


def baseline(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = Credential.objects.filter(pk=credential_id).first()
    if credential is None:
        raise Http404("No such credential")
    return render(request, "public/bench_baseline.html", {"credential": credential})
