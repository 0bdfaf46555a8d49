from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "laurel.mail"
    label = "mail"
