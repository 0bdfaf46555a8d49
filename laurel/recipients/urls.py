from django.urls import path, re_path

from laurel.recipients import views

app_name = "recipients"

CREDENTIAL_ID = r"(?P<credential_id>[A-Za-z0-9_-]{1,64})"

urlpatterns = [
    path("recipients/sign-in", views.sign_in_view, name="sign_in"),
    path("recipients/sign-in/code", views.sign_in_code, name="sign_in_code"),
    path("recipients/corrections/new", views.correction_new, name="correction_new"),
    path("wallet", views.wallet, name="wallet"),
    path("wallet/profile", views.profile_settings, name="profile_settings"),
    re_path(rf"^wallet/{CREDENTIAL_ID}/listing$", views.listing, name="listing"),
    path("u/<slug:slug>", views.public_profile, name="public_profile"),
]
