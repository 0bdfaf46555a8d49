"""Platform staff read the outbox in the admin; nobody can forge a delivery there."""

import pytest

from laurel.mail.services import queue_issuance_email

pytestmark = pytest.mark.django_db


def test_staff_read_a_queued_email_in_the_outbox(admin_client, draft_credential):
    delivery = queue_issuance_email(credential=draft_credential)

    listing = admin_client.get("/admin/mail/emaildelivery/")
    assert listing.status_code == 200
    assert b"ada@example.org" in listing.content

    detail = admin_client.get(f"/admin/mail/emaildelivery/{delivery.pk}/change/")
    assert detail.status_code == 200
    assert b"Ada Lovelace" in detail.content and b"sandbox" in detail.content


def test_the_outbox_cannot_be_written_through_the_admin(admin_client):
    assert admin_client.get("/admin/mail/emaildelivery/add/").status_code == 403


def test_people_who_are_not_staff_cannot_read_the_outbox(client, user_factory):
    client.force_login(user_factory())
    response = client.get("/admin/mail/emaildelivery/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_staff_see_the_background_jobs(
    admin_client, draft_credential, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # enqueued on commit
        queue_issuance_email(credential=draft_credential)
    response = admin_client.get("/admin/django_tasks_database/dbtaskresult/")
    assert response.status_code == 200
    assert b"send_email" in response.content


def test_staff_read_a_bulk_email_not_sent_yet_as_it_will_be_sent(admin_client, owner, never_group):
    from laurel.credentials.batch import IssueRow, issue_many
    from laurel.mail.models import EmailDelivery

    rows = [IssueRow("Grace <Hopper>", "grace@example.org"), IssueRow("Alan", "alan@example.org")]
    issue_many(actor=owner, group_key=never_group.key, rows=rows)
    delivery = EmailDelivery.objects.get(to_email="grace@example.org")
    assert delivery.body_text == ""  # rendered when sent

    detail = admin_client.get(f"/admin/mail/emaildelivery/{delivery.pk}/change/")
    assert detail.status_code == 200
    assert b"Hello Grace &lt;Hopper&gt;," in detail.content  # the plain text, escaped by the admin
    assert b"View &amp;amp; Verify" in detail.content  # the HTML, escaped into srcdoc
