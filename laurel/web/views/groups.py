"""Credential groups: the list with its search, create, edit, and a group's own page."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from laurel.analytics.selectors import group_totals
from laurel.credentials import selectors, services
from laurel.organizations.errors import DomainError
from laurel.web.access import organization_view
from laurel.web.activity import activity
from laurel.web.forms_groups import ACHIEVEMENT_TYPES, GroupEditor

GROUPS_PER_PAGE = 50
RECENT_CREDENTIALS = 10
SEARCH_MAX = 200  # longer than any title: nothing longer can match


def search_groups(request: HttpRequest, organization) -> tuple[str, dict]:
    """(the search typed, a page of matching groups): shared by the list and the issue picker."""
    query = request.GET.get("q", "").replace("\x00", "").strip()[:SEARCH_MAX]
    found = selectors.groups(organization)
    if query:
        found = found.filter(title__icontains=query)
    page = Paginator(found, GROUPS_PER_PAGE).get_page(request.GET.get("page"))

    def url(number: int) -> str:
        return "?" + urlencode({"q": query, "page": number} if query else {"page": number})

    return query, {
        "groups": list(page.object_list),
        "has_previous": page.has_previous(),
        "has_next": page.has_next(),
        "previous_url": url(page.number - 1) if page.has_previous() else "",
        "next_url": url(page.number + 1) if page.has_next() else "",
        "total": page.paginator.count,
    }


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request for the live part alone (a history restore wants the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_safe
@vary_on_headers("HX-Request")
@organization_view()
def group_list(request: HttpRequest) -> HttpResponse:
    query, page = search_groups(request, request.organization)
    template = "web/groups/_results.html" if wants_partial(request) else "web/groups/list.html"
    return render(request, template, {"query": query, "page": page})


@require_safe
@organization_view()
def group_detail(request: HttpRequest, key: str) -> HttpResponse:
    group = selectors.get_group(request.organization, key=key)
    credentials = selectors.credentials(request.organization, group=group)
    return render(
        request,
        "web/groups/detail.html",
        {
            "group": group,
            "recent": list(credentials[:RECENT_CREDENTIALS]),
            "credential_count": credentials.count(),
            "activity": activity(request, partial(group_totals, group)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view("manage_groups")
def group_create(request: HttpRequest) -> HttpResponse:
    editor = GroupEditor(request.POST if request.method == "POST" else None)
    if request.method == "POST" and editor.is_valid():
        try:
            group = services.create_group(actor=request.actor, **editor.service_fields())
        except DomainError as error:
            editor.add_error(error)
        else:
            messages.success(request, _("Group “%(title)s” created.") % {"title": group.title})
            return redirect("web:group", org=request.organization.slug, key=group.key)
    return _form(request, editor, group=None)


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view("manage_groups")
def group_edit(request: HttpRequest, key: str) -> HttpResponse:
    group = selectors.get_group(request.organization, key=key)
    editor = GroupEditor(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and editor.is_valid():
        try:
            group = services.update_group(
                actor=request.actor, group_key=group.key, **editor.service_fields()
            )
        except DomainError as error:
            editor.add_error(error)
        else:
            messages.success(request, _("Group “%(title)s” saved.") % {"title": group.title})
            return redirect("web:group", org=request.organization.slug, key=group.key)
    return _form(request, editor, group=group)


def _form(request: HttpRequest, editor: GroupEditor, *, group) -> HttpResponse:
    return render(
        request,
        "web/groups/form.html",
        {
            "form": editor.form,
            "skills": editor.skills,
            "group": group,
            "achievement_types": ACHIEVEMENT_TYPES,
        },
    )
