"""Forms of the issuer pages. They parse and check shapes; the services decide the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laurel.organizations.models import Organization


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form: every new account founds an organization.

    The organization starts `pending`; platform staff approve it in the admin.
    """

    organization = forms.CharField(
        label=_("Organization name"),
        max_length=Organization._meta.get_field("name").max_length,
        required=False,
        help_text=_(
            "The issuer recipients will see on their credentials. Invited to join an "
            "organization? Leave it empty."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    field_order = ["organization", "email", "password1", "password2"]

    def clean(self):
        from laurel.organizations.invitations import is_invited

        cleaned = super().clean()
        name = (cleaned.get("organization") or "").strip()
        email = cleaned.get("email") or ""
        if not name and email and not is_invited(email):
            self.add_error("organization", _("Name the organization you issue credentials for."))
        return cleaned

    def signup(self, request, user) -> None:
        from laurel.organizations.services import create_organization

        name = (self.cleaned_data.get("organization") or "").strip()
        if name:  # an invited person leaves it empty and joins through the invitation
            create_organization(name=name, owner=user)
