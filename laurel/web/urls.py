from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from laurel.web.views import home, invitations

app_name = "web"

organization_patterns = [
    path("", home.home, name="home"),
    path("settings/", include("laurel.web.urls_settings")),
    path("", include("laurel.web.urls_groups")),
    path("", include("laurel.web.urls_issue")),
    path("", include("laurel.web.urls_review")),
    path("", include("laurel.web.urls_bulk")),
    path("", include("laurel.web.urls_credentials")),
    path("corrections/", include("laurel.recipients.urls_issuer")),
    path("designs/", include("laurel.web.urls_designs")),
]

urlpatterns = [
    path("", home.front, name="front"),
    path("favicon.ico", RedirectView.as_view(url=static("web/laurel.svg"), permanent=True)),
    path("organizations/<slug:org>/", include(organization_patterns)),
    path("invitations/<path:token>", invitations.invitation, name="invitation"),
]
