from django.urls import path

from laurel.api.v1 import api as v1_api

urlpatterns = [
    path("api/v1/", v1_api.urls),
]
