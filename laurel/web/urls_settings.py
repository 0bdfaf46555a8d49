"""/organizations/<org>/settings/…: one page per section (the settings sub-navigation)."""

from django.urls import path

from laurel.web.views import settings_general, settings_keys, settings_members, settings_webhooks

app_name = "settings"

urlpatterns = [
    path("", settings_general.settings_index, name="index"),
    path("general", settings_general.general, name="general"),
    path("members", settings_members.members, name="members"),
    path("members/invite", settings_members.invite, name="invite"),
    path("members/<int:membership_id>/role", settings_members.change_role, name="member_role"),
    path("members/<int:membership_id>/remove", settings_members.remove, name="member_remove"),
    path("members/<int:membership_id>/transfer", settings_members.transfer, name="transfer"),
    path(
        "invitations/<int:invitation_id>/revoke",
        settings_members.revoke_invitation,
        name="invitation_revoke",
    ),
    path("api-keys", settings_keys.api_keys_page, name="api_keys"),
    path("api-keys/<int:api_key_id>/revoke", settings_keys.revoke_api_key, name="api_key_revoke"),
    path("keys", settings_keys.signing_keys_page, name="signing_keys"),
    path("keys/generate", settings_keys.generate_signing_key, name="signing_key_generate"),
    path("keys/rotate", settings_keys.rotate_signing_key, name="signing_key_rotate"),
    path("webhooks", settings_webhooks.webhooks, name="webhooks"),
    path("webhooks/<slug:subscription_id>", settings_webhooks.webhook_detail, name="webhook"),
    path(
        "webhooks/<slug:subscription_id>/delete",
        settings_webhooks.unsubscribe,
        name="webhook_delete",
    ),
    path(
        "webhook-deliveries/<int:delivery_id>/resend",
        settings_webhooks.resend_delivery,
        name="delivery_resend",
    ),
    path("plan", settings_general.plan, name="plan"),
    path("audit", settings_general.audit, name="audit"),
]
