"""Every email in its organization's "Language for recipient emails", through real SMTP.

The issuance email's subject, plain text, HTML and button in each of the four languages,
queued by the service and sent by the worker to an aiosmtpd server on loopback; the
language of whoever queued it (an issuer's request, a worker) never leaks into it.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.utils import translation

from laurel.mail.services import queue_issuance_email
from tests.helpers.smtp import smtp_server, smtp_settings
from tests.helpers.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db(transaction=True)

NBSP = "\xa0"
ISSUANCE = {
    "en": {
        "subject": "Acme Academy issued you “Python Foundations”",
        "hello": "Hello Ada Lovelace,",
        "text": "Acme Academy has issued you a credential: Python Foundations.",
        "button": "View &amp; Verify",
        "line": "View & Verify it here:",
    },
    "fr": {
        "subject": f"Acme Academy vous a délivré «{NBSP}Python Foundations{NBSP}»",
        "hello": "Bonjour Ada Lovelace,",
        "text": f"Acme Academy vous a délivré un certificat{NBSP}: Python Foundations.",
        "button": "Voir et vérifier",
        "line": f"Voyez-le et vérifiez-le ici{NBSP}:",
    },
    "es": {
        "subject": "Acme Academy te ha otorgado «Python Foundations»",
        "hello": "Hola, Ada Lovelace:",
        "text": "Acme Academy te ha otorgado una credencial: Python Foundations.",
        "button": "Ver y verificar",
        "line": "Mírala y verifícala aquí:",
    },
    "ar": {
        "subject": "أصدرت لك Acme Academy «Python Foundations»",
        "hello": "مرحبًا Ada Lovelace،",
        "text": "أصدرت لك Acme Academy شهادة: Python Foundations.",
        "button": "عرض وتحقّق",
        "line": "اعرضها وتحقّق منها هنا:",
    },
}


def _speak(organization, language: str) -> None:
    organization.email_language = language
    organization.save(update_fields=["email_language"])


# (A subject past the header's width is folded into encoded words; the parsed header then
# starts with the fold's space, which mail clients drop: compared stripped.)


def _send(credential):
    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        queue_issuance_email(credential=credential)
        run_pending_tasks()
    [received] = inbox.messages
    return received


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_the_issuance_email_is_written_in_the_organizations_language(draft_credential, language):
    _speak(draft_credential.organization, language)
    received = _send(draft_credential)
    expected = ISSUANCE[language]
    assert received.subject.strip() == expected["subject"]
    text = received.body("plain")
    assert expected["hello"] in text and expected["text"] in text and expected["line"] in text
    link = f"http://127.0.0.1:8000/credential/{draft_credential.id}"
    assert link in text
    html = received.body("html")
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f'<body dir="{direction}"' in html
    button = re.search(
        rf'<a href="{re.escape(link)}" style="display:inline-block[^>]*>([^<]+)</a>', html
    )
    assert button.group(1) == expected["button"]
    # Names keep their own direction inside the sentence of either direction.
    assert "<bdi>Ada Lovelace</bdi>" in html and "<bdi>Python Foundations</bdi>" in html


def test_the_language_of_whoever_queues_the_email_does_not_leak_into_it(draft_credential):
    _speak(draft_credential.organization, "es")
    with translation.override("fr"):  # an issuer whose browser speaks French
        received = _send(draft_credential)
    assert received.subject.strip() == ISSUANCE["es"]["subject"]
    assert translation.get_language() != "es"  # and the request's language is left as it was


def test_an_arabic_name_in_an_english_email_keeps_its_direction(draft_credential):
    draft_credential.recipient_name = "ليلى حداد"
    draft_credential.save()
    received = _send(draft_credential)
    assert "<bdi>ليلى حداد</bdi>" in received.body("html")
    assert received.body("plain").startswith("Hello ليلى حداد,")


def test_a_language_laurel_does_not_ship_falls_back_to_english(draft_credential):
    _speak(draft_credential.organization, "de")  # e.g. set by hand in the database
    assert _send(draft_credential).subject.strip() == ISSUANCE["en"]["subject"]


def test_the_correction_answer_is_written_in_the_organizations_language(owner, never_group):
    from django.contrib.auth import get_user_model

    from laurel.credentials.services import issue
    from laurel.mail.models import EmailDelivery
    from laurel.ops.accounts import mark_email_verified
    from laurel.recipients.services import decline_correction, request_correction
    from tests.web.conftest import PASSWORD

    user = get_user_model().objects.create_user(
        username="ada@example.org", email="ada@example.org", password=PASSWORD
    )
    mark_email_verified(user)
    credential = issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ada Lovelcae",
        recipient_email="ada@example.org",
    )
    _speak(owner.organization, "ar")
    correction = request_correction(
        user=user, credential_id=credential.pk, recipient_name="Ada Lovelace"
    )
    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        decline_correction(
            actor=owner, correction_id=correction.pk, message="The name matches your enrolment."
        )
        run_pending_tasks()
    received = next(m for m in inbox.messages if "Python Foundations" not in m.subject)
    assert received.subject.strip() == "طلب التصحيح الذي أرسلته إلى Acme Academy"
    html = received.body("html")
    assert '<html lang="ar" dir="rtl">' in html and "border-right:3px" in html
    assert "ورفضته" in received.body("plain")
    assert EmailDelivery.objects.filter(kind=EmailDelivery.Kind.CORRECTION).count() == 1


def test_the_invitation_is_written_in_the_organizations_language(owner):
    from laurel.organizations.invitations import invite

    _speak(owner.organization, "fr")
    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        invite(actor=owner, email="grace@example.org", role="admin")
        run_pending_tasks()
    [received] = inbox.messages
    assert received.subject.strip() == "Invitation à rejoindre Acme Academy sur Laurel"
    text = received.body("plain")
    assert "sur Laurel, avec le rôle Administrateur." in text
    assert re.search(r"jusqu’au \d{1,2} \w+ \d{4} \d{2}:\d{2} UTC", text), text
