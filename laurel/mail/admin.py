"""The outbox: every email Laurel queued, what it said, and what became of it."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from laurel.mail.models import EmailDelivery
from laurel.mail.rendering import email_contents


@admin.register(EmailDelivery)
class OutboxAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "to_email",
        "subject",
        "kind",
        "status",
        "backend",
        "attempts",
        "sent_at",
    )
    list_filter = ("status", "kind", "backend")
    search_fields = ("to_email", "subject", "credential__id", "organization__name")
    date_hierarchy = "created_at"
    list_select_related = ("organization",)
    readonly_fields = (
        "organization",
        "credential",
        "kind",
        "to_email",
        "subject",
        "status",
        "backend",
        "attempts",
        "error",
        "next_attempt_at",
        "sent_at",
        "created_at",
        "text",
        "html_preview",
    )
    exclude = ("body_text", "body_html")

    @admin.display(description="Body text")
    def text(self, delivery: EmailDelivery) -> str:
        # A bulk batch's email not sent yet is shown as it would be sent now (escaped by
        # format_html, in a <pre> that keeps its lines).
        return format_html(
            '<pre style="white-space:pre-wrap">{}</pre>', email_contents(delivery)[1]
        )

    @admin.display(description="HTML")
    def html_preview(self, delivery: EmailDelivery) -> str:
        # Rendered in a sandboxed frame: the stored HTML never runs in the admin's origin.
        return format_html(
            '<iframe sandbox srcdoc="{}" style="width:min(720px,80vw);height:480px;border:1px solid #ccc"></iframe>',
            email_contents(delivery)[2],
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
