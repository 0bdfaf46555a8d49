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
        help_text=_("The issuer recipients will see on their credentials."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    field_order = ["organization", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        from laurel.organizations.services import create_organization

        create_organization(name=self.cleaned_data["organization"], owner=user)
