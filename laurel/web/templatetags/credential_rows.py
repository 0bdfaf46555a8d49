"""`{% credential_rows page.rows %}`: the rows of the credentials list, rendered in Python.

The list is the page issuers open most and it shows 50 rows of six cells: in the template
language each row cost about forty variable lookups and a dozen `if`s, most of the page's
time (bench/pages.py). Here each row is a few f-strings with the labels translated once per
page; every value a user or the database gave goes through escape(), as the template's
autoescaping would.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from laurel.credentials.listing import Row

register = template.Library()


def escape(value) -> str:
    """What django.utils.html.escape does (the same five characters), without its lazy
    wrapper's cost on each of the page's few hundred calls."""
    return html.escape(str(value))


def _labels() -> dict[str, str]:
    """Every label a row may show, translated (and escaped) once per page."""
    labels = {
        "l_recipient": _("Recipient"),
        "l_group": _("Group"),
        "l_status": _("Status"),
        "l_issued": _("Issued"),
        "l_email": _("Email"),
        "draft": _("Draft"),
        "published": _("Published"),
        "expired": _("Expired"),
        "revoked": _("Revoked"),
        "private": _("Private"),
        "not_emailed": _("Not emailed"),
        "sent": _("Sent"),
        "failed": _("Failed"),
        "queued": _("Queued"),
        "view": _("View"),
        "resend": _("Resend email"),
        "to": _("to"),
        "revoke": _("Revoke"),
        "renews": _("Renews an earlier credential"),
        "renewed": _("Renewed by a newer credential"),
    }
    return {key: escape(value) for key, value in labels.items()}


@register.simple_tag(takes_context=True)
def credential_rows(context, rows: list[Row]) -> SafeString:
    """Every row; `can`, `list_url` and `here` come from the page's context."""
    can = context.get("can") or {}
    options = {
        "labels": _labels(),
        "months": [escape(str(MONTHS_3[month]).title()) for month in range(1, 13)],
        "zone": timezone.get_current_timezone(),  # looked up once, not twice a row
        "list_url": context["list_url"],
        "next": quote(context.get("here") or "", safe=""),
        "may_revoke": bool(can.get("revoke")),
        "may_resend": bool(can.get("resend_email")),
    }
    return mark_safe("".join(_row(row, options) for row in rows))


def _row(row: Row, options: dict) -> str:
    labels, credential = options["labels"], row.credential
    private = (
        f'<div class="small text-body-secondary">{labels["private"]}</div>'
        if credential.privacy == "private"
        else ""
    )
    return (
        f'<tr id="credential-{escape(credential.id)}">'
        f'<td data-label="{labels["l_recipient"]}">'
        f'<div class="recipient-name fw-semibold"><a class="text-reset" href="'
        f'{options["list_url"]}/{escape(credential.id)}/details">'
        f"{escape(credential.recipient_name)}</a></div>"
        f'<div class="small text-body-secondary text-break">{escape(credential.recipient_email)}'
        f"</div>{_lineage(row, labels)}</td>"
        f'<td data-label="{labels["l_group"]}">{escape(credential.group_title)}{private}</td>'
        f'<td data-label="{labels["l_status"]}"><span class="badge status-badge '
        f'status-{row.status}">{labels[row.status]}</span></td>'
        f'<td data-label="{labels["l_issued"]}" class="text-nowrap">'
        f"{_issued(credential, options)}</td>"
        f'<td data-label="{labels["l_email"]}">{_delivery(row, options)}</td>'
        '<td class="row-actions text-lg-end"><div class="d-flex flex-wrap gap-2 '
        f'justify-content-lg-end">{_actions(row, options)}</div></td></tr>'
    )


def _day(moment, options: dict, *, year: bool = True) -> str:
    """ "1 Dec 2026", as the template's date:"j M Y" would say it, without its per-call cost."""
    local = moment.astimezone(options["zone"])
    month = options["months"][local.month - 1]
    return f"{local.day} {month} {local.year}" if year else f"{local.day} {month}"


def _issued(credential, options: dict) -> str:
    if credential.issued_on is None or credential.status == "draft":
        return '<span class="text-body-secondary">—</span>'
    return (
        f'<time datetime="{credential.issued_on.isoformat()}">'
        f"{_day(credential.issued_on, options)}</time>"
    )


def _lineage(row: Row, labels: dict) -> str:
    links = []
    if row.credential.supersedes_id:
        links.append((row.credential.supersedes_id, labels["renews"]))
    links += [(newer, labels["renewed"]) for newer in row.superseded_by]
    if not links:
        return ""
    inner = "".join(
        f'<a href="?q={escape(other)}" class="lineage-link" title="{escape(other)}">'
        f'<span aria-hidden="true">↻</span> {label}</a>'
        for other, label in links
    )
    return f'<div class="lineage small mt-1">{inner}</div>'


def _delivery(row: Row, options: dict) -> str:
    labels, email = options["labels"], row.email
    if email is None:
        return f'<span class="text-body-secondary small">{labels["not_emailed"]}</span>'
    if email.status == "sent":
        return (
            f'<span class="email-state email-sent">{labels["sent"]}</span> '
            f'<span class="small text-body-secondary">{_day(email.at, options, year=False)}</span>'
        )
    if email.status == "failed":
        return (
            f'<span class="email-state email-failed">{labels["failed"]}</span>'
            f'<div class="small email-error text-break">{escape(Truncator(email.error).chars(120))}'
            "</div>"
        )
    return f'<span class="email-state email-queued">{labels["queued"]}</span>'


def _actions(row: Row, options: dict) -> str:
    labels, credential = options["labels"], row.credential
    base = f"{options['list_url']}/{escape(credential.id)}"
    name = escape(credential.recipient_name)
    parts = []
    if credential.status != "draft":
        parts.append(
            f'<a class="btn btn-sm btn-outline-secondary" href="/credential/'
            f'{escape(credential.id)}">{labels["view"]}'
            f'<span class="visually-hidden"> {name}</span></a>'
        )
    if options["may_resend"] and row.resendable:
        parts.append(_resend(row, base, name, options))
    if options["may_revoke"] and credential.status == "published":
        parts.append(
            f'<a class="btn btn-sm btn-outline-danger" href="{base}/revoke?next='
            f'{options["next"]}">{labels["revoke"]}'
            f'<span class="visually-hidden"> {name}</span></a>'
        )
    return "".join(parts)


def _resend(row: Row, base: str, name: str, options: dict) -> str:
    labels = options["labels"]
    if row.resend_available_at is None:
        return (
            f'<button type="submit" form="resend-form" formaction="{base}/resend" '
            f'class="btn btn-sm btn-outline-primary">{labels["resend"]}'
            f'<span class="visually-hidden"> {labels["to"]} {name}</span></button>'
        )
    # Disabled, and saying when it can be used (the service's cooldown rule).
    when = escape(_("Resend from %(day)s") % {"day": _day(row.resend_available_at, options)})
    return (
        '<button type="button" class="btn btn-sm btn-outline-secondary resend-later" disabled>'
        f"{when}</button>"
    )


@register.filter
def filter_field(bound_field) -> SafeString:
    """A filter's label, control and error, as _filter_field.html rendered them (one
    include per filter cost the list a tenth of a millisecond each: bench/pages.py)."""
    error = ""
    if bound_field.errors:
        error = (
            f'<div class="invalid-feedback d-block" id="{escape(bound_field.auto_id)}_error">'
            f"{escape(' '.join(bound_field.errors))}</div>"
        )
    return mark_safe(
        f'<label class="form-label" for="{escape(bound_field.id_for_label)}">'
        f"{escape(bound_field.label)}</label>\n{filter_control(bound_field)}{error}"
    )


@register.filter
def filter_control(bound_field) -> SafeString:
    """A filter field's input or select, as `|control` renders it, without the widget
    templates (a select renders one template per option: a third of the page's time)."""
    field, name = bound_field.field, bound_field.html_name
    attrs = {"id": bound_field.auto_id, "name": name}
    classes = "form-select" if hasattr(field, "choices") else "form-control"
    if bound_field.errors:
        classes += " is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.auto_id}_error"
    attrs["class"] = classes
    value = bound_field.value()
    value = "" if value is None else str(value)
    if hasattr(field, "choices"):
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) == value else ""}>'
            f"{escape(label)}</option>"
            for key, label in field.choices
        )
        return mark_safe(f"<select{_attributes(attrs)}>{options}</select>")
    attrs.update({key: str(v) for key, v in field.widget.attrs.items() if key != "class"})
    attrs.setdefault("type", getattr(field.widget, "input_type", "text"))
    attrs["value"] = value
    if getattr(field, "max_length", None):
        attrs["maxlength"] = str(field.max_length)
    return mark_safe(f"<input{_attributes(attrs)}>")


def _attributes(attrs: dict) -> str:
    return "".join(f' {key}="{escape(value)}"' for key, value in attrs.items())
