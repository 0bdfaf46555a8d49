"""What verifiers fetch: DID documents, status lists, signed credentials.

The pages people read are in views_credential.py, views_issuer.py and views_verify.py.

Every response here is read-only and cheap: documents are signed when they change (on
publish, on revocation), never on read.
"""

from __future__ import annotations

import hashlib
import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from laurel.analytics.models import Kind
from laurel.analytics.services import count_soon, is_counted_visit
from laurel.credentials.models import Credential
from laurel.credentials.selectors import public_credential, status_list_by_id
from laurel.organizations.models import Organization
from laurel.organizations.selectors import did_document
from laurel.recipients.selectors import holds

# Verifiers re-fetch a status list at most this often; a revocation shows within it.
STATUS_LIST_MAX_AGE = 60
DID_MAX_AGE = 300


@require_safe
def issuer_did(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    response = _json(request, did_document(organization), content_type="application/did+json")
    response["Cache-Control"] = f"public, max-age={DID_MAX_AGE}"
    return response


@require_safe
def status_list(request: HttpRequest, list_id: str) -> HttpResponse:
    found = status_list_by_id(list_id)
    if found is None or not found.document:
        raise Http404("No such status list")
    response = _json(request, found.document)
    # Short max-age plus an ETag: caches revalidate cheaply and see a revocation at once.
    response["Cache-Control"] = f"public, max-age={STATUS_LIST_MAX_AGE}, must-revalidate"
    return response


@require_safe
def credential_json(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = _published_credential(credential_id)
    if not may_view(request, credential):
        return _json_error(403, "This credential is private: sign in as its recipient to see it.")
    response = _json(request, credential.document, cors=credential.privacy == "public")
    response["Cache-Control"] = (
        "no-cache" if credential.privacy == "public" else "private, no-cache"
    )
    response["Content-Disposition"] = f'inline; filename="{credential.id}.json"'
    if response.status_code == 200:
        counted(request, credential.pk, Kind.DOWNLOAD_JSON)
    return response


def may_view(request: HttpRequest, credential: Credential) -> bool:
    """Public credentials: anyone. Private ones: the signed-in user who holds it (it was
    issued to one of their verified addresses: laurel.recipients.selectors.holds)."""
    if credential.privacy != "private":
        return True
    return holds(request.user, credential)


def counted(request: HttpRequest, credential_id: str, kind: str) -> None:
    """Count what a request did, unless a HEAD or a robot made it (is_counted_visit)."""
    if is_counted_visit(request.method, request.headers.get("User-Agent", "")):
        count_soon(credential_id, kind)


def _published_credential(credential_id: str) -> Credential:
    credential = public_credential(credential_id)
    # Drafts do not exist for the public: same answer as an unknown id.
    if (
        credential is None
        or credential.status == Credential.Status.DRAFT
        or not credential.document
    ):
        raise Http404("No such credential")
    return credential


def _json(
    request: HttpRequest,
    document: dict,
    *,
    content_type: str = "application/json",
    cors: bool = True,
) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    if etag in _if_none_match(request):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["ETag"] = etag
    if cors:
        response["Access-Control-Allow-Origin"] = "*"
    return response


def _json_error(status: int, message: str) -> HttpResponse:
    body = json.dumps({"success": False, "error": message, "error_code": "forbidden"})
    return HttpResponse(body, status=status, content_type="application/json")


def _if_none_match(request: HttpRequest) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
