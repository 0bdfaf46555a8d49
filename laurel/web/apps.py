from django.apps import AppConfig


class WebConfig(AppConfig):
    """The issuer's app: pages for signed-in members of an organization."""

    name = "laurel.web"
    label = "web"
    verbose_name = "Issuer app"
