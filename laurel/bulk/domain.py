"""The domain's rules for a bulk row, gathered from where they live (needs Django).

The limits are the Credential model's columns and the email check is the issue path's own
validator, so a row the review table passes is a row ``issue`` accepts.
"""

from __future__ import annotations

from collections.abc import Iterable

from laurel.bulk.rows import RowRules
from laurel.credentials import validation
from laurel.credentials.models import Credential
from laurel.organizations.errors import ValidationError


def row_rules(custom_fields: Iterable[str] = ()) -> RowRules:
    """The rules for the rows of a file issued to a group with these custom fields."""
    return RowRules(
        email_is_valid=email_is_valid,
        name_max_length=Credential._meta.get_field("recipient_name").max_length,
        email_max_length=Credential._meta.get_field("recipient_email").max_length,
        custom_fields=tuple(custom_fields),
    )


def email_is_valid(email: str) -> bool:
    try:
        validation.email_address(email, field="email")
    except ValidationError:
        return False
    return True
