"""/organizations/<org>/groups…: credential groups (no trailing slash, as the sidebar links).

Included at the organization's root, so that no route starts with a slash (urls.W002).
"""

from django.urls import path

from laurel.web.views import groups

urlpatterns = [
    path("groups", groups.group_list, name="groups"),
    path("groups/new", groups.group_create, name="group_new"),
    path("groups/<slug:key>", groups.group_detail, name="group"),
    path("groups/<slug:key>/edit", groups.group_edit, name="group_edit"),
]
