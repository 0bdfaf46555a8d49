"""Filters of the public pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def attribute_label(name: str) -> str:
    """ "custom_final_grade" → "Final grade"."""
    text = str(name).removeprefix("custom_").replace("_", " ").strip()
    return text[:1].upper() + text[1:]
