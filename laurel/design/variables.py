"""The values a certificate shows, and the `{variable}` templates that show them.

A template is text with `{name}` placeholders; `{{` and `}}` print a brace. Values are
inserted in one pass and never read again as templates, so a recipient called `{code}`,
`{{x}}`, `%(x)s` or `<b>x</b>` is printed as exactly that.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

VARIABLES = (
    "recipient_name",
    "group_title",
    "code",
    "description",
    "issued_on",
    "valid_until",
    "credential_id",
    "verification_url",
    "issuer_name",
)
CUSTOM_PREFIX = "custom_"
DATE_STYLES = ("short", "medium", "long", "full")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class TemplateError(ValueError):
    """A template names a variable that does not exist, or has a stray brace."""


@dataclass(frozen=True)
class Values:
    """What one credential fills a layout's variables with."""

    recipient_name: str = ""
    group_title: str = ""
    code: str = ""
    description: str = ""
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    credential_id: str = ""
    verification_url: str = ""
    issuer_name: str = ""
    custom: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DateFormat:
    """How dates are written: a style (short/medium/long/full), 'iso', or a CLDR pattern."""

    format: str = "long"
    language: str = "en"


def variables_in(template: str) -> list[str]:
    """The variable names a template uses, in order; TemplateError on a stray brace."""
    names = []
    for match in _PLACEHOLDER.finditer(template):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if match.group(1) is None:
            raise TemplateError(f"a lone {token!r} in {template!r}; write {token * 2} for a brace")
        names.append(match.group(1).strip())
    return names


def check_template(template: str, custom_fields: Iterable[str]) -> None:
    """TemplateError naming the first variable of `template` that is not known."""
    allowed = set(VARIABLES) | {CUSTOM_PREFIX + f for f in custom_fields}
    for variable in variables_in(template):
        if variable not in allowed:
            known = ", ".join(sorted(allowed))
            raise TemplateError(f"unknown variable {{{variable}}}; known variables are {known}")


def fill(template: str, values: Values, dates: DateFormat) -> str:
    """The template with every variable replaced by its value, formatted for `dates`."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        if match.group(1) is None:
            return token
        return value_of(match.group(1).strip(), values, dates)

    return _PLACEHOLDER.sub(replace, template)


def value_of(variable: str, values: Values, dates: DateFormat) -> str:
    """The text of one variable ('' for an unknown one or an empty value)."""
    if variable.startswith(CUSTOM_PREFIX):
        return str(values.custom.get(variable[len(CUSTOM_PREFIX) :], ""))
    if variable not in VARIABLES or not _NAME.match(variable):
        return ""
    value = getattr(values, variable)
    if isinstance(value, dt.date):
        return format_day(value, dates)
    return "" if value is None else str(value)


def format_day(day: dt.date, dates: DateFormat) -> str:
    """`day` written in the layout's date format and language."""
    if dates.format == "iso":
        return day.isoformat()
    return format_date(day, format=dates.format, locale=dates.language)


def check_date_format(dates: DateFormat) -> None:
    """TemplateError when the language or pattern of `dates` cannot be used."""
    try:
        Locale.parse(dates.language.replace("-", "_"))
        format_day(dt.date(2026, 1, 31), dates)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise TemplateError(f"unusable date format or language: {exc}") from exc
