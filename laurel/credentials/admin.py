"""Read-only views of groups, credentials and status lists for platform staff."""

from __future__ import annotations

from django.contrib import admin

from laurel.credentials.models import Credential, CredentialGroup, StatusList
from laurel.organizations.admin import ReadOnlyAdmin


@admin.register(CredentialGroup)
class CredentialGroupAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "organization",
        "key",
        "expiry_unit",
        "expiry_amount",
        "allow_duplicates",
    )
    search_fields = ("title", "key", "organization__name")


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "organization",
        "group",
        "recipient_name",
        "recipient_email",
        "status",
        "issued_on",
        "valid_until",
    )
    list_filter = ("status", "privacy")
    search_fields = ("id", "recipient_email_normalized", "recipient_name", "organization__name")
    date_hierarchy = "created_at"


@admin.register(StatusList)
class StatusListAdmin(ReadOnlyAdmin):
    list_display = ("list_id", "organization", "purpose", "next_index", "length", "updated_at")
    exclude = ("encoded_list", "document")
