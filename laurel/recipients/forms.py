"""Forms of the recipient pages. They parse shapes; the services decide every rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("The address your credentials were sent to."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name to show"), max_length=200, required=False)
    slug = forms.CharField(
        label=_("Profile address"),
        max_length=60,
        required=False,
        help_text=_("Lowercase letters, digits and hyphens; your profile is at /u/<address>."),
    )
    is_public = forms.BooleanField(label=_("Turn my public profile on"), required=False)


class CorrectionForm(forms.Form):
    recipient_name = forms.CharField(
        label=_("Correct name"),
        max_length=200,
        required=False,
        help_text=_("Your name as it should read on the credential."),
    )
    issued_on = forms.DateField(
        label=_("Correct date of issue"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    message = forms.CharField(
        label=_("Message to the issuer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResolveForm(forms.Form):
    recipient_name = forms.CharField(label=_("Recipient name"), max_length=200)
    issued_on = forms.DateField(
        label=_("Date of issue"), widget=forms.DateInput(attrs={"type": "date"})
    )
    message = forms.CharField(
        label=_("Message to the recipient"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    message = forms.CharField(
        label=_("Why the request is declined"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def add_domain_error(form: forms.Form, error) -> None:
    """A DomainError next to its field when the form has it, else above the form."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))
