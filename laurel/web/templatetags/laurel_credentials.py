"""Filters the credential card uses (the review preview and the public credential page)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def custom_label(name: str) -> str:
    """`custom_hours_spent` → `Hours spent`: a custom field's name as people read it."""
    words = str(name).removeprefix("custom_").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@register.filter
def custom_items(attributes) -> list[tuple[str, str]]:
    """A credential's custom attributes as (label, value), in the order they were given."""
    if not isinstance(attributes, dict):
        return []
    return [(custom_label(name), str(value)) for name, value in attributes.items() if value != ""]


@register.filter
def initials(name: str) -> str:
    """Up to two initials of an issuer's name, for a logo stand-in."""
    words = [word for word in str(name).split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"
