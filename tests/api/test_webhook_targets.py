"""Webhooks never reach private addresses (SSRF) unless the operator allows them.

Refused when subscribing (both dialects) and again when delivering, where the address the
socket connected to is what counts; redirects are never followed.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from laurel.webhooks.models import WebhookDelivery, WebhookSubscription
from laurel.webhooks.targets import PrivateTarget, delivery_session, is_public_address
from tests.api.webhook_receiver import webhook_receiver
from tests.helpers.tasks import run_pending_tasks

PRIVATE_URLS = [
    "http://127.0.0.1:8000/hooks",
    "http://localhost/hooks",
    "http://api.localhost/hooks",
    "http://[::1]/hooks",
    "http://[::ffff:127.0.0.1]/hooks",
    "http://2130706433/hooks",  # 127.0.0.1 written as one number
    "http://0.0.0.0/hooks",
    "http://10.1.2.3/hooks",
    "http://172.16.0.1/hooks",
    "http://192.168.1.10/hooks",
    "http://100.64.0.1/hooks",  # carrier-grade NAT
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata service
    "http://[fe80::1]/hooks",
    "http://[fd00::1]/hooks",
    "http://224.0.0.1/hooks",
]


def test_private_targets_are_refused_by_default(settings):
    assert settings.LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS is False


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_subscribing_a_private_address_is_a_400_that_says_why(api, acme_keys, url):
    response = api.post(
        "/api/v1/webhooks", acme_keys.admin_key, {"url": url, "events": ["credential.issued"]}
    )
    assert response.status_code == 400, response.content
    assert response.json()["error_code"] == "validation_error"
    assert "private or local address" in response.json()["error"]
    assert not WebhookSubscription.objects.exists()


def test_hyperstack_subscribe_refuses_loopback_too(api, acme_keys):
    body = {"url": "http://127.0.0.1/hooks", "events": ["credential.issued"]}
    response = api.post("/v1/webhook/subscribe", acme_keys.admin_key, body)
    assert response.status_code == 400
    assert "private or local address" in response.json()["error"]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    "url", ["https://93.184.215.14/hooks", "https://hooks.example.invalid/laurel"]
)
def test_public_address_or_name_not_resolvable_yet_may_subscribe(api, acme_keys, url):
    # A name that does not resolve yet is checked again at every delivery.
    response = api.post(
        "/api/v1/webhooks", acme_keys.admin_key, {"url": url, "events": ["credential.issued"]}
    )
    assert response.status_code == 201, response.content


def test_invalid_port_is_a_400(api, acme_keys):
    body = {"url": "https://example.com:99999/hooks", "events": ["credential.issued"]}
    response = api.post("/api/v1/webhooks", acme_keys.admin_key, body)
    assert response.status_code == 400
    assert "port" in response.json()["error"]


def test_allowing_private_targets_lets_loopback_subscribe(api, acme_keys, settings):
    settings.LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    body = {"url": "http://127.0.0.1:9/hooks", "events": ["credential.issued"]}
    assert api.post("/api/v1/webhooks", acme_keys.admin_key, body).status_code == 201


@pytest.mark.parametrize(
    "address, public",
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("fe80::1%eth0", False),
        ("ff02::1", False),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("2002:808:808::", True),  # 6to4 wrapping 8.8.8.8
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 wrapping 169.254.169.254
        ("::127.0.0.1", False),  # IPv4-compatible
        ("::", False),
    ],
)
def test_public_address_rule(address, public):
    assert is_public_address(address) is public


@pytest.mark.django_db(transaction=True)
def test_delivery_to_an_address_no_longer_allowed_is_refused_once_and_logged(
    api, acme_keys, issuer, never_group, settings
):
    from laurel.credentials.services import issue

    settings.LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    with webhook_receiver() as receiver:
        body = {"url": receiver.url, "events": ["credential.issued"]}
        assert api.post("/api/v1/webhooks", acme_keys.admin_key, body).status_code == 201
        settings.LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS = False
        issue(
            actor=issuer, group_key=never_group.key, recipient_name="Ada", recipient_email="a@x.org"
        )
        run_pending_tasks()

    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED  # not retried: it cannot succeed
    assert delivery.attempts == 1
    assert delivery.last_status_code is None
    assert "private or local address" in delivery.last_error


def test_delivery_connection_checks_the_address_it_connected_to():
    # What stops DNS rebinding: the peer address is judged after connecting, before sending.
    with webhook_receiver() as receiver, delivery_session() as session:
        with pytest.raises(PrivateTarget, match="127.0.0.1"):
            session.post(receiver.url, data=b"{}", timeout=5, allow_redirects=False)
    assert receiver.received == []


def _redirecting_server(location: str) -> ThreadingHTTPServer:
    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(307)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.django_db(transaction=True)
def test_redirect_is_never_followed(api, acme_keys, issuer, never_group, settings):
    from laurel.credentials.services import issue

    settings.LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.LAUREL_WEBHOOK_MAX_ATTEMPTS = 1
    with webhook_receiver() as internal:
        server = _redirecting_server(internal.url)
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
            body = {"url": url, "events": ["credential.issued"]}
            assert api.post("/api/v1/webhooks", acme_keys.admin_key, body).status_code == 201
            issue(
                actor=issuer,
                group_key=never_group.key,
                recipient_name="Ada",
                recipient_email="a@x.org",
            )
            run_pending_tasks()
        finally:
            server.shutdown()
            server.server_close()

    assert internal.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_status_code == 307
