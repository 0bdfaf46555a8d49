"""Settings → Webhooks: subscribe (the signing secret is shown once), the delivery log of
each subscription, send a delivery again, unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laurel.organizations.errors import DomainError
from laurel.web.access import organization_view
from laurel.web.views.settings_forms import WebhookForm, add_domain_error, refuse_unless
from laurel.webhooks import manage, services
from laurel.webhooks.models import Event


def _webhooks_page(request, form=None, *, created=None, status=200):
    context = {
        "subscriptions": manage.active_subscriptions(request.organization),
        "form": form or WebhookForm(initial={"events": [e.value for e in Event]}),
        "created": created,
        "event_labels": dict(Event.choices),
    }
    response = render(request, "web/settings/webhooks.html", context, status=status)
    if created is not None:
        response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view()
def webhooks(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _webhooks_page(request)
    refuse_unless(request, "manage_settings")
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            created = services.subscribe(actor=request.actor, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _webhooks_page(request, created=created)
    return _webhooks_page(request, form, status=400)


@require_safe
@organization_view()
def webhook_detail(request: HttpRequest, subscription_id: str) -> HttpResponse:
    subscription = manage.subscription(request.organization, subscription_id)
    return render(
        request,
        "web/settings/webhook_detail.html",
        {
            "subscription": subscription,
            "deliveries": manage.deliveries(subscription),
            "event_labels": dict(Event.choices),
        },
    )


@require_POST
@organization_view("manage_settings")
def unsubscribe(request: HttpRequest, subscription_id: str) -> HttpResponse:
    removed = services.unsubscribe(actor=request.actor, subscription_id=subscription_id)
    messages.success(request, _("Webhook to %(url)s removed.") % {"url": removed.url})
    return redirect("web:settings:webhooks", org=request.organization.slug)


@require_POST
@organization_view("manage_settings")
def resend_delivery(request: HttpRequest, delivery_id: int) -> HttpResponse:
    try:
        delivery = manage.resend_delivery(actor=request.actor, delivery_id=delivery_id)
    except DomainError as error:
        if error.http_status in (403, 404):
            raise
        messages.error(request, str(error))
        return redirect("web:settings:webhooks", org=request.organization.slug)
    messages.success(request, _("Delivery queued to be sent again."))
    return redirect(
        "web:settings:webhook",
        org=request.organization.slug,
        subscription_id=delivery.subscription_id,
    )
