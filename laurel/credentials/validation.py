"""Turn what a front door received into clean values, or a ValidationError naming the field.

Lengths are the columns' own (`max_length(Model, field)`), written once on the models, so
that the services, the API and the web forms refuse the same values.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.core import exceptions as django_exceptions
from django.core.validators import URLValidator, validate_email
from django.db import models

from laurel.credentials.models import Credential, CredentialGroup, ExpiryUnit, Privacy
from laurel.organizations.errors import MissingRecipient, ValidationError


def max_length(model: type[models.Model], field: str) -> int:
    """The size of `model`'s `field` column: the one place each limit is written."""
    return model._meta.get_field(field).max_length


CUSTOM_FIELD = re.compile(r"^custom_[A-Za-z0-9_]{1,60}$")
_url = URLValidator(schemes=["http", "https"])

# The URL columns' size (Django's URL check allows 2048); URLs kept inside JSON (skills)
# get the same limit.
URL_MAX_LENGTH = max_length(Credential, "evidence_url")
# RFC 5321's limit, and the columns' (Django's check allows 320).
EMAIL_MAX_LENGTH = max_length(Credential, "recipient_email")
RECIPIENT_NAME_MAX_LENGTH = max_length(Credential, "recipient_name")
# Inside a group's skills (JSON, no column of their own).
SKILL_NAME_MAX_LENGTH = 200
SKILL_TEXT_MAX_LENGTH = 500


def url(value, *, field: str, max_length: int = URL_MAX_LENGTH) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > max_length:
        raise ValidationError(f"{field} is longer than {max_length} characters.", field=field)
    try:
        _url(value)
    except django_exceptions.ValidationError:
        raise ValidationError(
            f"{field} must be an http(s) URL, not {value[:80]!r}.", field=field
        ) from None
    return value


def text(value, *, field: str, max_length: int, required: bool = False) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{field} must be text.", field=field)
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"{field} is required.", field=field)
    if len(value) > max_length:
        raise ValidationError(f"{field} is longer than {max_length} characters.", field=field)
    return value


def recipient(name, email) -> tuple[str, str]:
    if (
        not isinstance(name, str)
        or not isinstance(email, str)
        or not name.strip()
        or not email.strip()
    ):
        raise MissingRecipient()
    name = name.strip()
    if len(name) > RECIPIENT_NAME_MAX_LENGTH:
        raise ValidationError(
            f"The recipient's name is longer than {RECIPIENT_NAME_MAX_LENGTH} characters.",
            field="recipient.name",
        )
    return name, email_address(email, field="recipient.email")


def email_address(email, *, field: str, max_length: int = EMAIL_MAX_LENGTH) -> str:
    """A recipient's email address, stripped; a ValidationError naming `field` otherwise."""
    if not isinstance(email, str) or not email.strip():
        raise ValidationError(f"{field} is required: the recipient's email address.", field=field)
    email = email.strip()
    if len(email) > max_length:
        raise ValidationError(f"{field} is longer than {max_length} characters.", field=field)
    try:
        validate_email(email)
    except django_exceptions.ValidationError:
        raise ValidationError(f"{email[:80]!r} is not an email address.", field=field) from None
    return email


def privacy(value, *, default: str) -> str:
    if value in (None, ""):
        return default
    if value not in Privacy.values:
        raise ValidationError("privacy must be 'public' or 'private'.", field="privacy")
    return value


def custom_attributes(group: CredentialGroup, values) -> dict[str, str]:
    """Keys must be among the group's custom fields; values are text."""
    if values in (None, ""):
        return {}
    if not isinstance(values, dict):
        raise ValidationError(
            "custom_attributes must be an object of name: value.", field="custom_attributes"
        )
    allowed = set(group.custom_fields or [])
    clean = {}
    for key, value in values.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise ValidationError(
                f"Unknown custom attribute {key!r}: the group's custom fields are {known}.",
                field=f"custom_attributes.{key}",
            )
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(
                f"Custom attribute {key!r} must be text.", field=f"custom_attributes.{key}"
            )
        clean[key] = str(value)
    return clean


MIN_YEAR, MAX_YEAR = 1000, 8000


def moment(value, *, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationError(f"{field} must be a date and time with a time zone.", field=field)
    # In UTC: an offset the database cannot hold (PostgreSQL's end at ±15:59) is gone, and
    # bounded so that the expiry policy (up to 1000 years) and time zones stay in range.
    out_of_range = ValidationError(
        f"{field} must be between the years {MIN_YEAR} and {MAX_YEAR}.", field=field
    )
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        raise out_of_range from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise out_of_range
    return value


def dates(issued_on, valid_until) -> tuple[datetime | None, datetime | None]:
    issued_on = moment(issued_on, field="issued_on")
    valid_until = moment(valid_until, field="valid_until")
    if issued_on and valid_until and valid_until <= issued_on:
        raise ValidationError("valid_until must be after issued_on.", field="valid_until")
    return issued_on, valid_until


# --- groups ----------------------------------------------------------------------------


def expiry(unit, amount) -> tuple[str, int | None]:
    if unit not in ExpiryUnit.values:
        raise ValidationError(
            f"expiry_unit must be one of {', '.join(ExpiryUnit.values)}.", field="expiry_unit"
        )
    if unit == ExpiryUnit.NEVER:
        return unit, None
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= 1000:
        raise ValidationError(
            f"An expiry in {unit} needs a whole number between 1 and 1000.", field="expiry_amount"
        )
    return unit, amount


def custom_fields(values) -> list[str]:
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple):
        raise ValidationError("custom_fields must be a list of names.", field="custom_fields")
    for name in values:
        if not isinstance(name, str) or not CUSTOM_FIELD.match(name):
            raise ValidationError(
                f"Custom field {name!r} must start with 'custom_' and hold only letters, digits and _.",
                field="custom_fields",
            )
    return list(dict.fromkeys(values))


def skills(values) -> list[dict]:
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple):
        raise ValidationError("skills must be a list.", field="skills")
    clean = []
    for position, skill in enumerate(values):
        field = f"skills[{position}]"
        if not isinstance(skill, dict):
            raise ValidationError(f"{field} must be an object with a name and a url.", field=field)
        item = {
            "name": text(
                skill.get("name"),
                field=f"{field}.name",
                max_length=SKILL_NAME_MAX_LENGTH,
                required=True,
            ),
            "url": url(skill.get("url"), field=f"{field}.url"),
        }
        if not item["url"]:
            raise ValidationError(f"{field}.url is required.", field=f"{field}.url")
        for extra in ("description", "framework", "code"):
            if skill.get(extra):
                item[extra] = text(
                    skill.get(extra), field=f"{field}.{extra}", max_length=SKILL_TEXT_MAX_LENGTH
                )
        clean.append(item)
    return clean


def design(value, *, field: str) -> dict:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{field} must be an object.", field=field)
    return value


# --- groups: every field ------------------------------------------------------------

GROUP_FIELDS = (
    "title",
    "code",
    "description",
    "criteria",
    "image",
    "achievement_type",
    "skills",
    "expiry_unit",
    "expiry_amount",
    "allow_duplicates",
    "custom_fields",
    "default_privacy",
    "certificate_design",
    "badge_design",
)


def _group_limit(field: str) -> int:
    return max_length(CredentialGroup, field)


def group_fields(values: dict, *, current: CredentialGroup | None = None) -> dict:
    """A group's fields as stored (those in GROUP_FIELDS; a new group needs a title)."""
    unknown = set(values) - set(GROUP_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(f"Unknown group field {name!r}.", field=name)
    clean: dict = {}
    if "title" in values or current is None:
        clean["title"] = text(
            values.get("title"), field="title", max_length=_group_limit("title"), required=True
        )
    for field in ("code", "description", "criteria", "achievement_type"):
        if field in values:
            clean[field] = text(values[field], field=field, max_length=_group_limit(field))
    if clean.get("achievement_type") == "":
        clean["achievement_type"] = "Certificate"
    if "image" in values:
        clean["image"] = url(values["image"], field="image", max_length=_group_limit("image"))
    if "skills" in values:
        clean["skills"] = skills(values["skills"])
    if "expiry_unit" in values or "expiry_amount" in values:
        unit = values.get("expiry_unit", current.expiry_unit if current else ExpiryUnit.NEVER)
        amount = values.get("expiry_amount", current.expiry_amount if current else None)
        clean["expiry_unit"], clean["expiry_amount"] = expiry(unit, amount)
    if "allow_duplicates" in values:
        if not isinstance(values["allow_duplicates"], bool):
            raise ValidationError(
                "allow_duplicates must be true or false.", field="allow_duplicates"
            )
        clean["allow_duplicates"] = values["allow_duplicates"]
    if "custom_fields" in values:
        clean["custom_fields"] = custom_fields(values["custom_fields"])
    if "default_privacy" in values:
        clean["default_privacy"] = privacy(values["default_privacy"], default="public")
    for field in ("certificate_design", "badge_design"):
        if field in values:
            clean[field] = design(values[field], field=field)
    return clean
