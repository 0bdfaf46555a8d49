"""Platform staff: approve organizations, set plans and quota overrides, read the audit log.

Writes go through the services (approve_organization, set_plan), never straight to rows.
"""

from __future__ import annotations

from django.contrib import admin, messages

from laurel.organizations import services
from laurel.organizations.errors import DomainError
from laurel.organizations.models import (
    ApiKey,
    AuditEvent,
    Door,
    Membership,
    Organization,
    SigningKey,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SigningKeyInline(admin.TabularInline):
    model = SigningKey
    extra = 0
    fields = ("key_id", "public_key_multibase", "status", "created_at", "retired_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "status", "plan", "monthly_quota_override", "created_at")
    list_filter = ("status", "plan")
    search_fields = ("name", "slug")
    # Staff edit the plan and the quota override; everything else belongs to the issuer.
    fields = (
        "name",
        "slug",
        "status",
        "plan",
        "monthly_quota_override",
        "emails_enabled",
        "created_at",
    )
    readonly_fields = ("name", "slug", "status", "emails_enabled", "created_at")
    inlines = [MembershipInline, SigningKeyInline]
    actions = ["approve", "suspend"]

    def has_add_permission(self, request):
        return False  # organizations are created by sign-up or `laurel org create`

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            services.set_plan(
                organization=obj,
                plan=form.cleaned_data["plan"],
                monthly_quota_override=form.cleaned_data["monthly_quota_override"],
                staff_user=request.user,
                door=Door.WEB,
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    @admin.action(description="Approve (and generate a signing key)")
    def approve(self, request, queryset):
        for organization in queryset:
            services.approve_organization(
                organization=organization, staff_user=request.user, door=Door.WEB
            )
        self.message_user(
            request, f"Approved {queryset.count()} organization(s).", messages.SUCCESS
        )

    @admin.action(description="Suspend")
    def suspend(self, request, queryset):
        for organization in queryset:
            services.suspend_organization(
                organization=organization, staff_user=request.user, door=Door.WEB
            )
        self.message_user(
            request, f"Suspended {queryset.count()} organization(s).", messages.WARNING
        )


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "role", "display_prefix", "last_used_at", "revoked_at")
    list_filter = ("role",)
    exclude = ("key_hmac",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "organization",
        "actor_label",
        "door",
        "action",
        "object_type",
        "object_id",
    )
    list_filter = ("door", "action")
    search_fields = ("object_id", "actor_label", "organization__name")
    date_hierarchy = "created_at"
