from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from laurel.public import views, views_credential, views_issuer, views_verify
from laurel.public.sitemaps import SITEMAPS

app_name = "public"

# Credential ids are 32 URL-safe characters; the pattern keeps ".json" out of the id.
CREDENTIAL_ID = r"(?P<credential_id>[A-Za-z0-9_-]{1,64})"
CREDENTIAL = rf"^credential/{CREDENTIAL_ID}"

urlpatterns = [
    path("issuers/<slug:slug>/did.json", views.issuer_did, name="issuer_did"),
    path("issuers/<slug:slug>", views_issuer.issuer_page, name="issuer"),
    path(
        "issuers/<slug:slug>/achievements",
        views_issuer.issuer_achievements,
        name="issuer_achievements",
    ),
    path(
        "issuers/<slug:slug>/groups/<slug:key>",
        views_issuer.group_achievement,
        name="group_achievement",
    ),
    re_path(r"^status/(?P<list_id>[A-Za-z0-9_-]{1,64})$", views.status_list, name="status_list"),
    re_path(rf"{CREDENTIAL}\.json$", views.credential_json, name="credential_json"),
    re_path(rf"{CREDENTIAL}\.png$", views_credential.credential_png, name="credential_png"),
    re_path(rf"{CREDENTIAL}\.svg$", views_credential.credential_svg, name="credential_svg"),
    re_path(rf"{CREDENTIAL}/embed$", views_credential.credential_embed, name="credential_embed"),
    re_path(rf"{CREDENTIAL}/qr\.svg$", views_credential.credential_qr, name="credential_qr"),
    re_path(
        rf"{CREDENTIAL}/preview\.png$",
        views_credential.credential_preview,
        name="credential_preview",
    ),
    re_path(
        rf"{CREDENTIAL}/linkedin$",
        views_credential.credential_linkedin,
        name="credential_linkedin",
    ),
    re_path(rf"{CREDENTIAL}$", views_credential.credential_page, name="credential_page"),
    path("verify", views_verify.verify_page, name="verify"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

if settings.LAUREL_BENCH_BASELINE:  # bench/verify_page.py's yardstick; off everywhere else
    from laurel.public.bench_baseline import baseline

    urlpatterns.append(re_path(rf"^bench/baseline/{CREDENTIAL_ID}$", baseline))
