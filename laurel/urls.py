from django.contrib import admin
from django.urls import include, path

from laurel.ops.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("laurel.api.urls")),
    path("", include("laurel.designs.urls")),  # before public: .pdf and certificate.png
    path("", include("laurel.public.urls")),
    path("", include("laurel.recipients.urls")),
    path("", include("laurel.web.urls")),
]
