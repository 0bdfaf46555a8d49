from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "laurel.credentials"
    label = "credentials"
