from django.apps import AppConfig


class RecipientsConfig(AppConfig):
    name = "laurel.recipients"
    label = "recipients"
    verbose_name = "Recipients"
