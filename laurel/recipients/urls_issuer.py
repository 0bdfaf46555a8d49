from django.urls import path

from laurel.recipients import issuer_views

app_name = "corrections"

urlpatterns = [
    path("", issuer_views.corrections, name="list"),
    path("<int:correction_id>", issuer_views.correction, name="detail"),
    path("<int:correction_id>/resolve", issuer_views.resolve, name="resolve"),
    path("<int:correction_id>/decline", issuer_views.decline, name="decline"),
]
