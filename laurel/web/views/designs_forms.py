"""Forms of the design studio: shapes only; every rule is the designs services'."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from laurel.design import starter, starter_names


def starter_choices() -> list[tuple[str, str]]:
    return [
        (n, f"{starter(n)['kind'].title()} · {starter(n).get('name', n)}") for n in starter_names()
    ]


class NewDesignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    starter = forms.ChoiceField(label=_("Start from"), choices=starter_choices)


class LayoutForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    layout = forms.CharField(
        label=_("Layout (JSON)"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_("Positions in millimetres from the top-left corner; text holds {variables}."),
    )

    def clean_layout(self):
        try:
            return json.loads(self.cleaned_data["layout"])
        except json.JSONDecodeError as error:
            message = _("This is not valid JSON: %(error)s") % {"error": error}
            raise forms.ValidationError(message) from None


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A background (PDF, PNG, JPG or SVG exported from Canva or any tool) or an image."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.svg"}),
    )
    use_as = forms.ChoiceField(
        label=_("Use as"),
        choices=[("background", _("Background of the page")), ("image", _("Image on the page"))],
    )


class GroupChoiceForm(forms.Form):
    group = forms.CharField(label=_("Credential group"), max_length=12)
