"""Forms of the credentials list: its filters and the revoke confirmation.

They parse what was typed; the listing selector and the revoke service decide the rules.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laurel.credentials import listing
from laurel.organizations.errors import ValidationError


class CredentialFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=listing.SEARCH_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name or email"), "autocomplete": "off"}
        ),
    )
    group = forms.ChoiceField(label=_("Group"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            (listing.DRAFT, _("Draft")),
            (listing.PUBLISHED, _("Published")),
            (listing.EXPIRED, _("Expired")),
            (listing.REVOKED, _("Revoked")),
        ],
    )
    privacy = forms.ChoiceField(
        label=_("Privacy"),
        required=False,
        choices=[("", _("Public or private")), ("public", _("Public")), ("private", _("Private"))],
    )
    issued_from = forms.DateField(
        label=_("Issued from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    issued_to = forms.DateField(
        label=_("Issued until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    email = forms.ChoiceField(
        label=_("Email"),
        required=False,
        choices=[("", _("Any email state")), (listing.EMAIL_FAILED, _("Failed"))],
    )

    def __init__(self, *args, groups=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("All groups")), *groups]  # (key, title)

    def filters(self) -> listing.Filters | None:
        """The filters asked for, or None (and the errors on the form) when they are not."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        try:
            return listing.Filters(
                search=data["q"].strip(),
                group=data["group"],
                status=data["status"],
                privacy=data["privacy"],
                issued_from=data["issued_from"],
                issued_to=data["issued_to"],
                email=data["email"],
            )
        except ValidationError as error:
            self.add_error("q" if error.field == "search" else error.field, str(error))
            return None


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Recorded in the audit log and shown to the recipient on the public page."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
