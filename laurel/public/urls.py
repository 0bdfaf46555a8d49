from django.urls import path, re_path

from laurel.public import views

app_name = "public"

# Credential ids are 32 URL-safe characters; the pattern keeps ".json" out of the id.
CREDENTIAL_ID = r"(?P<credential_id>[A-Za-z0-9_-]{1,64})"

urlpatterns = [
    path("issuers/<slug:slug>/did.json", views.issuer_did, name="issuer_did"),
    re_path(r"^status/(?P<list_id>[A-Za-z0-9_-]{1,64})$", views.status_list, name="status_list"),
    re_path(rf"^credential/{CREDENTIAL_ID}\.json$", views.credential_json, name="credential_json"),
    re_path(rf"^credential/{CREDENTIAL_ID}$", views.credential_page, name="credential_page"),
]
