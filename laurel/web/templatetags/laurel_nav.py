"""The sidebar: `{% nav_items home_url request.path as items %}` gives its links, and
`{{ request.path|section:home_url }}` which section a page belongs to.

The links are one list looped over in sidebar.html (an `{% include %}` per link cost every
page about a tenth of a millisecond each: bench/pages.py).
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

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


# The sidebar's links, in order: (path under the organization's home, section, label).
LINKS = [
    ("", "home", _("Home")),
    ("credentials", "credentials", _("Credentials")),
    ("credentials/review", "review", _("Under review")),
    ("credentials/bulk-issue", "bulk", _("Bulk issue")),
    ("groups", "groups", _("Credential groups")),
    ("corrections", "corrections", _("Correction requests")),
    ("designs", "designs", _("Designs")),
    ("settings", "settings", _("Settings")),
]


@register.simple_tag
def nav_items(home_url: str, path: str) -> list[dict]:
    current = section(path, home_url)
    return [
        {"href": home_url + rest, "label": label, "current": name == current}
        for rest, name, label in LINKS
    ]
