"""Filters for the emails' HTML."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def isolated(text) -> str:
    """`text` (escaped) in its own direction: a Latin name in an Arabic sentence, or an
    Arabic name in an English one, keeps its letters in order and the punctuation after it
    where the sentence's language puts it."""
    return format_html("<bdi>{}</bdi>", text)
