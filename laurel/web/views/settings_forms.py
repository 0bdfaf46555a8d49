"""Forms of the settings pages. They parse shapes; the services decide every rule."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from laurel.organizations.models import Organization, Role
from laurel.webhooks.models import Event

MEMBER_ROLES = [(Role.ADMIN.value, _("Admin")), (Role.ISSUER.value, _("Issuer"))]


def refuse_unless(request, action: str) -> None:
    """403 unless the member's role allows `action` (the page showed no button for it)."""
    if not request.actor.may(action):
        raise PermissionDenied


def add_domain_error(form: forms.Form, error) -> None:
    """A service's error, next to the field it names when the form has that field."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))


class GeneralForm(forms.Form):
    name = forms.CharField(
        label=_("Organization name"),
        max_length=Organization._meta.get_field("name").max_length,
        help_text=_("The issuer recipients see on their credentials."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": _("An organization needs a name.")},
    )
    image = forms.CharField(
        label=_("Logo (image URL)"),
        required=False,
        help_text=_("An https:// address of a square PNG or SVG; it appears in every credential."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    url = forms.CharField(
        label=_("Website"),
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "url"}),
    )
    email = forms.CharField(
        label=_("Contact email"),
        required=False,
        help_text=_("Shown to recipients and verifiers as the issuer's address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    emails_enabled = forms.BooleanField(
        label=_("Send email notifications to recipients and invitees"),
        required=False,
        help_text=_("Switched off, Laurel sends no emails; you share links yourself."),
    )
    email_language = forms.ChoiceField(
        label=_("Language for recipient emails"),
        choices=lambda: [(code, _language_label(code, name)) for code, name in settings.LANGUAGES],
        required=False,  # left out of a POST: unchanged
        help_text=_(
            "Issuance emails and answers to correction requests are written in it, and so "
            "are invitations. Recipients' pages follow their own browser's language."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email_language"):
            cleaned.pop("email_language", None)
        return cleaned


def _language_label(code: str, name: str) -> str:
    """ "Français (French)": the language's own name, then the English one."""
    local = capfirst(get_language_info(code)["name_local"])
    return local if local == name else f"{local} ({name})"


class InviteForm(forms.Form):
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MEMBER_ROLES, initial=Role.ISSUER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MEMBER_ROLES)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses the key, e.g. “LMS integration”."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MEMBER_ROLES,
        initial=Role.ISSUER,
        help_text=_("Issuer keys issue and publish; Admin keys may also revoke and resend."),
    )


class WebhookForm(forms.Form):
    url = forms.CharField(
        label=_("Endpoint URL"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("Laurel POSTs each event as signed JSON to this address."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class AuditFilterForm(forms.Form):
    # Any text: an action missing from the choices simply matches nothing.
    action = forms.CharField(label=_("Action"), required=False, max_length=64, widget=forms.Select)
    actor = forms.CharField(label=_("Actor"), required=False, max_length=200)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Any action"))] + [(action, action) for action in actions]
        self.fields["action"].widget.choices = choices
