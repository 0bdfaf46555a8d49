"""Turn what a front door received into clean values, or a ValidationError naming the field."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.core import exceptions as django_exceptions
from django.core.validators import URLValidator, validate_email

from laurel.credentials.models import CredentialGroup, ExpiryUnit, Privacy
from laurel.organizations.errors import MissingRecipient, ValidationError

CUSTOM_FIELD = re.compile(r"^custom_[A-Za-z0-9_]{1,60}$")
_url = URLValidator(schemes=["http", "https"])


URL_MAX_LENGTH = 500


def url(value, *, field: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > URL_MAX_LENGTH:  # the columns' size (Django's URL check allows 2048)
        raise ValidationError(f"{field} is longer than {URL_MAX_LENGTH} characters.", field=field)
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
    if len(name) > 200:
        raise ValidationError(
            "The recipient's name is longer than 200 characters.", field="recipient.name"
        )
    return name, email_address(email, field="recipient.email")


def email_address(email, *, field: str) -> str:
    """A recipient's email address, stripped; a ValidationError naming `field` otherwise."""
    if not isinstance(email, str) or not email.strip():
        raise ValidationError(f"{field} is required: the recipient's email address.", field=field)
    email = email.strip()
    if len(email) > 254:  # RFC 5321's limit, and the column's (Django's check allows 320)
        raise ValidationError(f"{field} is longer than 254 characters.", field=field)
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
            "name": text(skill.get("name"), field=f"{field}.name", max_length=200, required=True),
            "url": url(skill.get("url"), field=f"{field}.url"),
        }
        if not item["url"]:
            raise ValidationError(f"{field}.url is required.", field=f"{field}.url")
        for extra in ("description", "framework", "code"):
            if skill.get(extra):
                item[extra] = text(skill.get(extra), field=f"{field}.{extra}", max_length=500)
        clean.append(item)
    return clean


def design(value, *, field: str) -> dict:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{field} must be an object.", field=field)
    return value
