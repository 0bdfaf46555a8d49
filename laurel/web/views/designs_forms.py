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

    def __init__(self, *args, kind: str = "certificate", **kwargs):
        super().__init__(*args, **kwargs)
        if kind == "badge":
            self.fields["file"].help_text = _(
                "A PNG or SVG: the whole badge, or an icon to place on it. An SVG is kept "
                "without scripts or links to other sites."
            )
            self.fields["file"].widget.attrs["accept"] = ".png,.svg,.jpg,.jpeg"
            self.fields["use_as"].choices = [
                ("badge", _("The whole badge")),
                ("image", _("An icon or image on the badge")),
            ]


SHAPE_CHOICES = [
    ("circle", _("Circle")),
    ("shield", _("Shield")),
    ("hexagon", _("Hexagon")),
    ("ribbon", _("Ribbon")),
    ("rosette", _("Rosette")),
]


class ComposeBadgeForm(forms.Form):
    shape = forms.ChoiceField(label=_("Shape"), choices=SHAPE_CHOICES, initial="circle")
    fill = forms.CharField(
        label=_("Fill"), initial="#17324D", max_length=7, widget=forms.TextInput({"type": "color"})
    )
    border = forms.CharField(
        label=_("Border"), initial="#C8A24A", max_length=7,
        widget=forms.TextInput({"type": "color"}),
    )  # fmt: skip
    line1 = forms.CharField(
        label=_("First line"), initial="{group_title}", max_length=300,
        help_text=_("Shrinks to fit; variables such as {group_title} are filled in."),
    )  # fmt: skip
    line2 = forms.CharField(
        label=_("Second line"), initial="{issuer_name}", max_length=300,
        required=False,
    )  # fmt: skip
    icon = forms.ChoiceField(label=_("Icon"), required=False, choices=[])

    def __init__(self, *args, assets: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["icon"].choices = [("", _("No icon"))] + [(a, a) for a in assets]


class GroupChoiceForm(forms.Form):
    group = forms.CharField(label=_("Credential group"), max_length=12)
