"""/organizations/<org>/groups…: credential groups (no trailing slash, as the sidebar links)."""

from django.urls import path

from laurel.web.views import groups

urlpatterns = [
    path("", groups.group_list, name="groups"),
    path("/new", groups.group_create, name="group_new"),
    path("/<slug:key>", groups.group_detail, name="group"),
    path("/<slug:key>/edit", groups.group_edit, name="group_edit"),
]
