"""The credential group form: every field create_group / update_group take, as a person types them.

The form parses shapes (text, a number, a list of lines, skill rows); the service decides
what is valid and its messages come back next to the field they name.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from laurel.credentials.models import CredentialGroup, ExpiryUnit, Privacy
from laurel.organizations.errors import DomainError


def _limit(name: str) -> int | None:
    return CredentialGroup._meta.get_field(name).max_length


EXPIRY_CHOICES = [
    (ExpiryUnit.NEVER.value, _("Never expires")),
    (ExpiryUnit.DAYS.value, _("Days")),
    (ExpiryUnit.MONTHS.value, _("Months")),
    (ExpiryUnit.YEARS.value, _("Years")),
]
PRIVACY_CHOICES = [
    (Privacy.PUBLIC.value, _("Public: anyone with the link can verify it")),
    (Privacy.PRIVATE.value, _("Private: only the recipient, signed in, can see it")),
]
# Open Badges 3.0 achievement types people pick most; any other text is allowed.
ACHIEVEMENT_TYPES = (
    "Certificate",
    "Badge",
    "Course",
    "Certification",
    "Diploma",
    "Degree",
    "License",
    "Award",
    "Competency",
    "Membership",
)


class GroupForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=_limit("title"),
        help_text=_("The name of the course or program, as recipients will see it."),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=_limit("code"),
        required=False,
        help_text=_("Your own reference, such as a course code."),
    )
    achievement_type = forms.CharField(
        label=_("Kind of achievement"),
        max_length=_limit("achievement_type"),
        required=False,
        help_text=_("What the credential is in Open Badges terms; Certificate if left empty."),
        widget=forms.TextInput(attrs={"list": "achievement-types"}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    criteria = forms.CharField(
        label=_("Criteria"),
        required=False,
        help_text=_("What a recipient did to earn it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    image = forms.CharField(
        label=_("Image URL"),
        max_length=_limit("image"),
        required=False,
        help_text=_("An http(s) address of the badge image."),
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    expiry_unit = forms.ChoiceField(label=_("Expiry"), choices=EXPIRY_CHOICES)
    expiry_amount = forms.IntegerField(
        label=_("Expires after"),
        required=False,
        help_text=_("How many days, months or years a credential stays valid."),
    )
    allow_duplicates = forms.BooleanField(
        label=_("Allow duplicates"),
        required=False,
        help_text=_(
            "Let a recipient who already holds this credential, or has a draft of it, "
            "receive another one."
        ),
    )
    custom_fields = forms.CharField(
        label=_("Custom fields"),
        required=False,
        help_text=_(
            "Extra details each credential can carry, one name per line, each starting "
            "with custom_ (for example custom_grade)."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    default_privacy = forms.ChoiceField(
        label=_("Default privacy"),
        choices=PRIVACY_CHOICES,
        initial=Privacy.PUBLIC.value,
        widget=forms.RadioSelect,
        help_text=_("What the issue form proposes; each credential can still choose."),
    )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "title",
                "code",
                "achievement_type",
                "description",
                "criteria",
                "image",
                "expiry_unit",
                "allow_duplicates",
                "default_privacy",
            )
        }
        fields["expiry_amount"] = (
            None if data["expiry_unit"] == ExpiryUnit.NEVER else data["expiry_amount"]
        )
        fields["custom_fields"] = [
            name for name in re.split(r"[\s,]+", data["custom_fields"]) if name
        ]
        return fields

    @classmethod
    def initial_for(cls, group: CredentialGroup) -> dict:
        initial = {name: getattr(group, name) for name in cls.base_fields}
        initial["custom_fields"] = "\n".join(group.custom_fields or [])
        return initial


class SkillForm(forms.Form):
    """One skill (an OB 3.0 alignment): a name and the URL that defines it."""

    name = forms.CharField(label=_("Skill"), required=False)
    url = forms.CharField(
        label=_("Defined at (URL)"),
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    description = forms.CharField(label=_("Description"), required=False)
    framework = forms.CharField(label=_("Framework"), required=False)
    code = forms.CharField(label=_("Code in the framework"), required=False)

    def skill(self) -> dict | None:
        """The row as the service takes it, or None when left empty."""
        values = {name: (self.cleaned_data.get(name) or "").strip() for name in self.fields}
        if not any(values.values()):
            return None
        return {name: value for name, value in values.items() if value or name in ("name", "url")}


SkillFormSet = forms.formset_factory(SkillForm, extra=1, max_num=100, validate_max=True)


def skill_formset(data=None, *, group: CredentialGroup | None = None):
    initial = list(group.skills or []) if group is not None and data is None else None
    return SkillFormSet(data, initial=initial, prefix="skills")


class GroupEditor:
    """The group form and its skill rows, filled in and answered as one."""

    def __init__(self, data=None, *, group: CredentialGroup | None = None):
        initial = GroupForm.initial_for(group) if group is not None else None
        self.form = GroupForm(data, initial=initial)
        self.skills = skill_formset(data, group=group)
        self._rows: list[int] = []  # the skill rows that were filled in, by position

    def is_valid(self) -> bool:
        form_ok, skills_ok = self.form.is_valid(), self.skills.is_valid()
        return form_ok and skills_ok

    def service_fields(self) -> dict:
        fields = self.form.service_fields()
        skills, self._rows = [], []
        for position, row in enumerate(self.skills.forms):
            skill = row.skill()
            if skill is not None:
                skills.append(skill)
                self._rows.append(position)
        fields["skills"] = skills
        return fields

    def add_error(self, error: DomainError) -> None:
        """The service's message next to the field it names (a skill row's own field)."""
        field = getattr(error, "field", None) or ""
        skill = re.match(r"skills\[(\d+)\](?:\.(\w+))?", field)
        if skill and int(skill.group(1)) < len(self._rows):
            row = self.skills.forms[self._rows[int(skill.group(1))]]
            name = skill.group(2) if skill.group(2) in row.fields else None
            row.add_error(name or "name", str(error))
        elif field in self.form.fields:
            self.form.add_error(field, str(error))
        else:
            self.form.add_error(None, str(error))
