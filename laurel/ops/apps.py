from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating Laurel: the commands that serve it, run workers, set up organizations."""

    name = "laurel.ops"
    label = "ops"
