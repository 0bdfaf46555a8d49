"""The credentials list and its row actions, under /organizations/<org>/."""

from django.urls import path

from laurel.web.views import credential_detail, credentials

urlpatterns = [
    path("credentials", credentials.credential_list, name="credentials"),
    path("credentials/export.csv", credentials.export_csv, name="credentials_export"),
    path(
        "credentials/<str:credential_id>/revoke",
        credentials.revoke,
        name="credential_revoke",
    ),
    path(
        "credentials/<str:credential_id>/resend",
        credentials.resend,
        name="credential_resend",
    ),
    path(
        "credentials/<str:credential_id>/details",
        credential_detail.credential_detail,
        name="credential",
    ),
]
