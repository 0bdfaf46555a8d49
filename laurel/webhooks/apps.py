from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "laurel.webhooks"
    label = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laurel.webhooks import signals  # noqa: F401 - connects the audit-log receiver
