"""`{{ field|control }}`: a form field's widget with Bootstrap's classes and its ARIA links."""

from __future__ import annotations

from django import template

register = template.Library()

CHECKS = {"checkbox", "radio"}


@register.filter
def control(bound_field):
    widget = bound_field.field.widget
    input_type = getattr(widget, "input_type", None)
    if input_type in CHECKS:
        css = "form-check-input"
    elif input_type == "select" or widget.__class__.__name__.endswith("Select"):
        css = "form-select"
    else:
        css = "form-control"
    existing = widget.attrs.get("class", "")
    attrs = {"class": f"{existing} {css}".strip()}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described.append(f"{bound_field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(bound_field) -> bool:
    return getattr(bound_field.field.widget, "input_type", None) in CHECKS
