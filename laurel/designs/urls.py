"""The certificate downloads; included from laurel/urls.py before laurel.public.urls."""

from django.urls import re_path

from laurel.designs import downloads

app_name = "designs"

CREDENTIAL_ID = r"(?P<credential_id>[A-Za-z0-9_-]{1,64})"

urlpatterns = [
    re_path(rf"^credential/{CREDENTIAL_ID}\.pdf$", downloads.certificate_pdf_view, name="pdf"),
    re_path(
        rf"^credential/{CREDENTIAL_ID}/certificate\.png$",
        downloads.certificate_png_view,
        name="png",
    ),
    re_path(rf"^credential/{CREDENTIAL_ID}/badge\.png$", downloads.badge_png_view, name="badge"),
]
