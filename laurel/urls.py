from django.contrib import admin
from django.urls import include, path

from laurel.ops.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("laurel.api.urls")),
    path("", include("laurel.public.urls")),
]
