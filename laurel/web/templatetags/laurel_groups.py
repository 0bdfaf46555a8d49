"""Template filters of the group and issue pages: a group's policies in words."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext, ngettext

from laurel.credentials.models import ExpiryUnit
from laurel.web.forms_issue import custom_label as _custom_label

register = template.Library()


@register.filter
def expiry_policy(group) -> str:
    """ "Never expires", "Valid for 2 years"…: the group's expiry policy in words."""
    amount = group.expiry_amount or 0
    if group.expiry_unit == ExpiryUnit.DAYS:
        text = ngettext("Valid for %(n)d day", "Valid for %(n)d days", amount)
    elif group.expiry_unit == ExpiryUnit.MONTHS:
        text = ngettext("Valid for %(n)d month", "Valid for %(n)d months", amount)
    elif group.expiry_unit == ExpiryUnit.YEARS:
        text = ngettext("Valid for %(n)d year", "Valid for %(n)d years", amount)
    else:
        return gettext("Never expires")
    return text % {"n": amount}


@register.filter
def custom_label(name: str) -> str:
    return _custom_label(name)
