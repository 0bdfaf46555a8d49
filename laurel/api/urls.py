from django.urls import path

from laurel.api.compat import api as hyperstack_api
from laurel.api.v1 import api as v1_api

urlpatterns = [
    path("api/v1/", v1_api.urls),
    path("v1/", hyperstack_api.urls),
]
