from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "laurel.public"
    label = "public"
