from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "laurel.organizations"
    label = "organizations"
