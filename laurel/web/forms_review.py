"""The form that edits a draft's details. It parses; update_draft decides what is allowed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from laurel.credentials.models import Credential, Privacy
from laurel.organizations.errors import CredentialExists, DomainError, QuotaExceeded
from laurel.web.templatetags.laurel_credentials import custom_label

DATES = ("issued_on", "valid_until")
# Fields the services name in their errors → the form's fields.
SERVICE_FIELDS = {
    "recipient.name": "recipient_name",
    "recipient.email": "recipient_email",
    "evidence_url": "evidence_url",
    "privacy": "public",
    "issued_on": "issued_on",
    "valid_until": "valid_until",
}


def _moment(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None


class DraftForm(forms.Form):
    recipient_name = forms.CharField(
        label=_("Recipient name"),
        max_length=Credential._meta.get_field("recipient_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
    )
    recipient_email = forms.CharField(
        label=_("Recipient email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("A new address is checked and counted against the month's quota again."),
    )
    evidence_url = forms.CharField(
        label=_("Evidence URL"),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("A page that shows the work this credential recognises."),
    )
    public = forms.BooleanField(
        label=_("Make this credential publicly verifiable"),
        required=False,
        help_text=_("Private credentials are seen only by their recipient and your team."),
    )
    issued_on = forms.DateField(
        label=_("Issue date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty to use the day it is published."),
    )
    valid_until = forms.DateField(
        label=_("Expiry date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty to follow the group's expiry policy."),
    )

    def __init__(self, *args, credential: Credential, **kwargs):
        self.credential = credential
        self.custom_fields = list(credential.group.custom_fields or [])
        kwargs.setdefault("initial", self._initial(credential))
        super().__init__(*args, **kwargs)
        for name in self.custom_fields:
            self.fields[name] = forms.CharField(
                label=custom_label(name), required=False, max_length=500
            )

    def _initial(self, credential: Credential) -> dict:
        custom = credential.custom_dates
        initial = {
            "recipient_name": credential.recipient_name,
            "recipient_email": credential.recipient_email,
            "evidence_url": credential.evidence_url,
            "public": credential.privacy == Privacy.PUBLIC,
            "issued_on": credential.issued_on.date() if custom and credential.issued_on else None,
            "valid_until": (
                credential.valid_until.date() if custom and credential.valid_until else None
            ),
        }
        initial.update(credential.custom_attributes or {})
        return initial

    def changes(self) -> dict:
        """What update_draft should change: only the fields that were changed."""
        changed, data = set(self.changed_data), self.cleaned_data
        changes = {
            name: data[name]
            for name in ("recipient_name", "recipient_email", "evidence_url")
            if name in changed
        }
        if "public" in changed:
            changes["privacy"] = Privacy.PUBLIC if data["public"] else Privacy.PRIVATE
        if changed & set(DATES):  # the two go together: the service checks one against the other
            changes.update({name: _moment(data[name]) for name in DATES})
        if changed & set(self.custom_fields):
            changes["custom_attributes"] = {
                name: data[name].strip() for name in self.custom_fields if data[name].strip()
            }
        return changes

    def add_service_error(self, error: DomainError) -> None:
        """The service's message next to the field it names (or above the form)."""
        field = getattr(error, "field", None)
        if field and field.startswith("custom_attributes."):
            field = field.removeprefix("custom_attributes.")
        else:
            field = SERVICE_FIELDS.get(field or "")
        if field is None and isinstance(error, CredentialExists | QuotaExceeded):
            field = "recipient_email"  # only a new address can run into these here
        self.add_error(field if field in self.fields else None, str(error))
