"""The issue form: one recipient of one group, with the group's custom fields as inputs.

It parses what was typed into what `issue` takes; the service checks the rest and its
message comes back next to the field it names (the email field for an existing credential).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django import forms
from django.utils.translation import gettext_lazy as _

from laurel.credentials.models import Credential, CredentialGroup, Privacy
from laurel.organizations.errors import CredentialExists, DomainError, QuotaExceeded


def _limit(name: str) -> int | None:
    return Credential._meta.get_field(name).max_length


def custom_label(name: str) -> str:
    """custom_hours_spent → "Hours spent": the field's name as a person reads it."""
    words = name.removeprefix("custom_").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _moment(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


# The service names recipient fields as the API's body does; the form's own names here.
SERVICE_FIELDS = {
    "recipient.name": "recipient_name",
    "recipient.email": "recipient_email",
    "evidence_url": "evidence_url",
    "privacy": "public",
    "issued_on": "issued_on",
    "valid_until": "valid_until",
}


class IssueForm(forms.Form):
    group = forms.CharField(widget=forms.HiddenInput)
    recipient_name = forms.CharField(
        label=_("Recipient name"),
        max_length=_limit("recipient_name"),
        help_text=_("As it will appear on the credential, in any script."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
    )
    recipient_email = forms.CharField(
        label=_("Recipient email"),
        max_length=_limit("recipient_email"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    evidence_url = forms.CharField(
        label=_("Evidence URL"),
        max_length=_limit("evidence_url"),
        required=False,
        help_text=_("A page showing the work the credential recognises."),
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    public = forms.BooleanField(
        label=_("Make this credential publicly verifiable"),
        required=False,
        help_text=_("Anyone with the link can verify it. Otherwise only the recipient can see it."),
    )
    issued_on = forms.DateField(
        label=_("Issue date"),
        required=False,
        help_text=_("Leave empty to use the day it is published."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    valid_until = forms.DateField(
        label=_("Expiry date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self, data=None, *, group: CredentialGroup, expiry_help: str = "", check_url: str = ""
    ):
        initial = {"group": group.key, "public": group.default_privacy == Privacy.PUBLIC}
        super().__init__(data, initial=initial)
        self.group = group
        self.fields["valid_until"].help_text = expiry_help
        if check_url:  # the live recipient check, as the email is typed (htmx)
            self.fields["recipient_email"].widget.attrs.update(
                {
                    "hx-get": check_url,
                    "hx-trigger": "load, input changed delay:300ms",
                    "hx-include": "[name='group']",
                    "hx-target": "#recipient-check-live",  # a live region that stays put
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )
        self.custom_names = list(group.custom_fields or [])
        for name in self.custom_names:
            self.fields[name] = forms.CharField(
                label=custom_label(name), required=False, help_text=name
            )

    @property
    def custom_inputs(self):
        return [self[name] for name in self.custom_names]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "recipient_name": data["recipient_name"],
            "recipient_email": data["recipient_email"],
            "evidence_url": data["evidence_url"],
            "privacy": Privacy.PUBLIC if data["public"] else Privacy.PRIVATE,
            "custom_attributes": {
                name: data[name] for name in self.custom_names if data.get(name, "").strip()
            },
            "issued_on": _moment(data["issued_on"]),
            "valid_until": _moment(data["valid_until"]),
        }

    def add_service_error(self, error: DomainError) -> None:
        """The service's message next to the field it is about."""
        field = getattr(error, "field", None) or ""
        if isinstance(error, CredentialExists | QuotaExceeded):
            name = "recipient_email"  # both are about who receives it
        elif field.startswith("custom_attributes."):
            name = field.removeprefix("custom_attributes.")
        else:
            name = SERVICE_FIELDS.get(field)
        if name not in self.fields or name == "group":
            name = None
        self.add_error(name, str(error))
