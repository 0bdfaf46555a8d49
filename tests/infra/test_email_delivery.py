"""The issuance email: queued on commit, sent by the real worker, through a real SMTP server."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laurel.mail.models import EmailDelivery
from laurel.mail.services import queue_issuance_email
from laurel.mail.tasks import send_email
from laurel.tasks import retry_delay
from tests.helpers.smtp import smtp_server, smtp_settings
from tests.helpers.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def test_issuance_email_arrives_with_names_and_the_view_and_verify_link(draft_credential):
    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        delivery = queue_issuance_email(credential=draft_credential)
        assert inbox.messages == []  # never sent in the request: only queued
        run_pending_tasks()

    assert len(inbox.messages) == 1
    received = inbox.messages[0]
    assert received.envelope_to == ["ada@example.org"]
    assert "Acme Academy" in received.subject and "Python Foundations" in received.subject
    link = f"http://127.0.0.1:8000/credential/{draft_credential.id}"
    html = received.body("html")
    text = received.body("plain")
    assert f'href="{link}"' in html and "View &amp; Verify" in html
    assert "Ada Lovelace" in html and "Ada Lovelace" in text and link in text
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.backend == "smtp"
    assert delivery.attempts == 1 and delivery.sent_at is not None and delivery.error == ""


def test_hostile_recipient_name_is_escaped_in_the_html_email(draft_credential):
    draft_credential.recipient_name = '<script>alert("x")</script> & <b>Bob</b>'
    draft_credential.save()
    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        queue_issuance_email(credential=draft_credential)
        run_pending_tasks()

    html = inbox.messages[0].body("html")
    assert "<script>" not in html and "<b>Bob</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Bob&lt;/b&gt;" in html
    # Plain text is not HTML: the name reads as typed.
    assert '<script>alert("x")</script> & <b>Bob</b>' in inbox.messages[0].body("plain")


def test_refusing_smtp_server_leaves_the_delivery_failed_with_its_error_after_retries(
    draft_credential,
):
    refusal = "550 5.1.1 Mailbox unavailable"
    settings = {**{"LAUREL_EMAIL_MAX_ATTEMPTS": 3, "LAUREL_EMAIL_RETRY_SECONDS": 0}}
    with smtp_server(refuse_with=refusal) as (inbox, port):
        with override_settings(**smtp_settings(port), **settings):
            delivery = queue_issuance_email(credential=draft_credential)
            ran = run_pending_tasks()

    assert inbox.messages == []
    assert ran == 3  # the first attempt and two retries, each its own task
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 3
    assert "550" in delivery.error and "Mailbox unavailable" in delivery.error
    assert delivery.sent_at is None


def test_a_failed_attempt_is_retried_later_not_at_once(draft_credential):
    with smtp_server(refuse_with="451 4.3.0 Try again later") as (inbox, port):
        with override_settings(**smtp_settings(port), LAUREL_EMAIL_RETRY_SECONDS=60):
            delivery = queue_issuance_email(credential=draft_credential)
            assert run_pending_tasks() == 1

    delivery.refresh_from_db()
    assert delivery.status == "queued" and delivery.attempts == 1
    assert "451" in delivery.error
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=30)
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == delivery.next_attempt_at
    assert retry.args_kwargs["args"] == [delivery.id]


def test_connection_refused_is_recorded_as_the_error(draft_credential):
    with smtp_server() as (_, port):
        pass  # the server is gone: nothing listens on its port now
    with override_settings(**smtp_settings(port), LAUREL_EMAIL_MAX_ATTEMPTS=1):
        delivery = queue_issuance_email(credential=draft_credential)
        run_pending_tasks()
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "ConnectionRefusedError" in delivery.error


def test_emails_switched_off_queue_and_send_nothing(draft_credential):
    organization = draft_credential.organization
    organization.emails_enabled = False
    organization.save()
    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        assert queue_issuance_email(credential=draft_credential) is None
        assert run_pending_tasks() == 0
    assert inbox.messages == []
    assert not EmailDelivery.objects.exists()


def test_emails_switched_off_after_queueing_are_not_sent(draft_credential):
    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        delivery = queue_issuance_email(credential=draft_credential)
        draft_credential.organization.emails_enabled = False
        draft_credential.organization.save()
        run_pending_tasks()
    assert inbox.messages == []
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "switched off" in delivery.error


def test_embedded_mode_puts_the_email_in_the_outbox_and_sends_nothing(draft_credential):
    # SMTP settings point at a live server, yet the outbox wins: nothing leaves.
    with smtp_server() as (inbox, port):
        with override_settings(**{**smtp_settings(port), "LAUREL_EMAIL_OUTBOX": True}):
            delivery = queue_issuance_email(credential=draft_credential)
            run_pending_tasks()
    assert inbox.messages == []
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.backend == "outbox"
    assert "View &amp; Verify" in delivery.body_html and "Ada Lovelace" in delivery.body_text


@override_settings(LAUREL_EMAIL_OUTBOX=True)
def test_in_the_outbox_a_task_run_twice_records_the_email_once(draft_credential):
    delivery = queue_issuance_email(credential=draft_credential)
    send_email.enqueue(delivery.id)  # a duplicate, as after a crash and a replay
    assert run_pending_tasks() == 2
    results = sorted(r.return_value for r in DBTaskResult.objects.all())
    assert results == ["outbox", "skipped"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 1, "")
    assert delivery.sent_at is not None


@override_settings(LAUREL_EMAIL_OUTBOX=True)
def test_in_the_outbox_emails_switched_off_after_queueing_are_not_recorded_sent(
    draft_credential,
):
    delivery = queue_issuance_email(credential=draft_credential)
    draft_credential.organization.emails_enabled = False
    draft_credential.organization.save()
    run_pending_tasks()
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "switched off" in delivery.error
    assert delivery.sent_at is None


def test_running_the_send_task_twice_sends_the_email_once(draft_credential):
    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        delivery = queue_issuance_email(credential=draft_credential)
        send_email.enqueue(delivery.id)  # a duplicate, as after a crash and a replay
        assert run_pending_tasks() == 2
    assert len(inbox.messages) == 1
    results = sorted(r.return_value for r in DBTaskResult.objects.all())
    assert results == ["sent", "skipped"]


def test_nothing_is_queued_when_the_issuing_transaction_rolls_back(draft_credential):
    from django.db import transaction

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        queue_issuance_email(credential=draft_credential)
        raise Abort
    assert not EmailDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (5, 960), (30, 6 * 3600)]
)
def test_retry_delay_doubles_each_time_and_is_capped(attempts, seconds):
    assert retry_delay(attempts, base_seconds=60) == timedelta(seconds=seconds)


def test_an_error_that_is_not_the_network_fails_the_delivery_at_once(draft_credential):
    # A backend that cannot be loaded is a configuration error: no retry would help.
    with override_settings(LAUREL_EMAIL_OUTBOX=False, EMAIL_BACKEND="no.such.Backend"):
        delivery = queue_issuance_email(credential=draft_credential)
        assert run_pending_tasks() == 1
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 1
    assert "no.such" in delivery.error or "No module" in delivery.error


def stall(delivery, minutes_ago: int) -> None:
    """What a worker killed mid-send leaves behind: the row claimed, its task gone."""
    EmailDelivery.objects.filter(id=delivery.id).update(
        status="sending", updated_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    DBTaskResult.objects.all().delete()


def test_laurel_worker_sends_what_a_killed_worker_left_sending(draft_credential):
    import subprocess

    from tests.helpers.server import LAUREL, REPO, subprocess_env

    with smtp_server() as (inbox, port):
        with override_settings(**smtp_settings(port)):
            delivery = queue_issuance_email(credential=draft_credential)
        stall(delivery, minutes_ago=60)
        env = subprocess_env(
            LAUREL_EMAIL_OUTBOX="false", LAUREL_EMAIL_HOST="127.0.0.1", LAUREL_EMAIL_PORT=str(port)
        )
        finished = subprocess.run(
            [*LAUREL, "worker", "--batch", "--no-startup-delay"],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert finished.returncode == 0, finished.stderr
    assert "Queued again 1 email" in finished.stdout
    assert [m.envelope_to for m in inbox.messages] == [["ada@example.org"]]
    delivery.refresh_from_db()
    assert delivery.status == "sent"


def test_a_recently_claimed_delivery_is_left_to_its_worker(draft_credential):
    from laurel.mail.services import requeue_stalled_deliveries

    with override_settings(LAUREL_EMAIL_OUTBOX=True):
        delivery = queue_issuance_email(credential=draft_credential)
    stall(delivery, minutes_ago=1)
    assert requeue_stalled_deliveries() == 0
    delivery.refresh_from_db()
    assert delivery.status == "sending" and not DBTaskResult.objects.exists()


def test_workers_racing_for_one_email_send_it_once(draft_credential):
    import threading

    from django.db import connection

    from laurel.mail.delivery import deliver

    racers = 6
    barrier = threading.Barrier(racers)
    outcomes = []

    def race(delivery_id):
        try:
            barrier.wait()
            outcomes.append(deliver(delivery_id=delivery_id).outcome)
        finally:
            connection.close()  # each thread has its own connection

    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        delivery = queue_issuance_email(credential=draft_credential)
        threads = [threading.Thread(target=race, args=(delivery.id,)) for _ in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sorted(outcomes) == ["sent"] + ["skipped"] * (racers - 1)
    assert len(inbox.messages) == 1


def test_a_bulk_batchs_emails_are_rendered_when_sent_and_kept_as_sent(owner, never_group):
    from laurel.credentials.batch import IssueRow, issue_many
    from laurel.credentials.models import Credential
    from laurel.mail.rendering import render_issuance_email

    names = ["<b>Zoë</b> & Ünal", "Ada Lovelace"]
    batch = [IssueRow(name, f"bulk{n}@example.org") for n, name in enumerate(names)]
    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        issue_many(actor=owner, group_key=never_group.key, rows=batch)
        assert set(EmailDelivery.objects.values_list("body_text", flat=True)) == {""}
        run_pending_tasks()

    received = {message.envelope_to[0]: message for message in inbox.messages}
    assert sorted(received) == ["bulk0@example.org", "bulk1@example.org"]
    hostile = received["bulk0@example.org"]
    assert "&lt;b&gt;Zoë&lt;/b&gt; &amp; Ünal" in hostile.body("html")
    assert "<b>Zoë</b>" not in hostile.body("html")
    assert "<b>Zoë</b> & Ünal" in hostile.body("plain")
    for delivery in EmailDelivery.objects.filter(kind="issuance"):
        credential = Credential.objects.select_related("group", "organization").get(
            pk=delivery.credential_id
        )
        # the row keeps what was sent: the email the one-by-one path renders
        assert delivery.status == "sent" and delivery.backend == "smtp"
        assert (delivery.subject, delivery.body_text, delivery.body_html) == (
            render_issuance_email(credential=credential)
        )
        message = received[delivery.to_email]
        assert message.body("plain").replace("\r\n", "\n").strip() == delivery.body_text.strip()
