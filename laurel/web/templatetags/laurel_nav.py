"""`{{ request.path|section:home_url }}`: which sidebar section a page belongs to."""

from __future__ import annotations

from django import template

register = template.Library()

# Longest prefixes first: "credentials/review" is its own section, not "credentials".
SECTIONS = [
    ("credentials/review", "review"),
    ("credentials/bulk-issue", "bulk"),
    ("bulk-jobs", "bulk"),
    ("credentials/issue", "issue"),
    ("credentials", "credentials"),
    ("groups", "groups"),
    ("designs", "designs"),
    ("settings", "settings"),
    ("corrections", "corrections"),
]


@register.filter
def section(path: str, home_url: str) -> str:
    if not path.startswith(home_url):
        return ""
    rest = path[len(home_url) :]
    for prefix, name in SECTIONS:
        if rest == prefix or rest.startswith(prefix + "/") or rest.startswith(prefix + "."):
            return name
    return "home" if rest == "" else ""
