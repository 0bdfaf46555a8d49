"""Sign in with a code mailed to the address a credential was issued to (Django client)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db

User = get_user_model()


def ask_code(client, email):
    return client.post("/recipients/sign-in", {"email": email})


def code_in(message) -> str:
    found = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.M)
    assert found, message.body
    return found.group(1)


def test_a_recipient_without_an_account_gets_one_once_the_code_is_confirmed(
    client, never_group, issue_to
):
    issue_to(never_group, email="Ada@Example.org")
    mail.outbox.clear()
    response = ask_code(client, "ada@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/recipients/sign-in/code"
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert "/recipients/sign-in/code?code=" in message.body
    assert not User.objects.filter(email__iexact="ada@example.org").exists()  # not yet

    page = client.get("/recipients/sign-in/code")
    assert b"ada@example.org" in page.content
    response = client.post("/recipients/sign-in/code", {"code": code_in(message).lower()})
    assert response.status_code == 302
    assert response["Location"] == "/wallet"

    user = User.objects.get(email__iexact="ada@example.org")
    assert not user.has_usable_password()
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary
    wallet = client.get("/wallet")
    assert wallet.status_code == 200
    assert never_group.title.encode() in wallet.content


def test_every_address_gets_the_same_answer(client, never_group, issue_to):
    issue_to(never_group, email="ada@example.org")
    mail.outbox.clear()
    known = ask_code(client, "ada@example.org")
    known_page = client.get("/recipients/sign-in/code").content.replace(b"ada@", b"X@")
    unknown = ask_code(client, "nobody@example.org")
    unknown_page = client.get("/recipients/sign-in/code").content.replace(b"nobody@", b"X@")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    strip = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')
    assert strip.sub(b"", known_page) == strip.sub(b"", unknown_page)
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]  # nothing to the unknown one


def test_an_unknown_address_never_signs_in_nor_gets_an_account(client):
    ask_code(client, "nobody@example.org")
    for guess in ("AAAA-AAAA", "0000-0000", ""):
        response = client.post("/recipients/sign-in/code", {"code": guess})
        assert response.status_code in (302, 400)
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_drafts_give_no_code(client, owner, never_group, issue_to):
    issue_to(never_group, email="ada@example.org", draft=True)
    mail.outbox.clear()
    ask_code(client, "ada@example.org")
    assert mail.outbox == []


def test_an_existing_account_signs_in_with_the_code(client, recipient):
    mail.outbox.clear()
    ask_code(client, "ada@example.org")
    [message] = mail.outbox
    response = client.post("/recipients/sign-in/code", {"code": code_in(message)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == recipient.pk
    assert User.objects.filter(email__iexact="ada@example.org").count() == 1
    assert recipient.has_usable_password()  # untouched


def test_a_wrong_code_is_refused_then_the_sign_in_ends_after_too_many(
    client, never_group, issue_to
):
    issue_to(never_group, email="ada@example.org")
    ask_code(client, "ada@example.org")
    response = client.post("/recipients/sign-in/code", {"code": "WRONG-CODE"})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    for _ in range(5):
        response = client.post("/recipients/sign-in/code", {"code": "WRONG-CODE"})
    assert response.status_code == 302
    assert response["Location"] == "/recipients/sign-in"
    assert not User.objects.filter(email="ada@example.org").exists()


def test_asking_too_often_for_one_address_is_limited(client, never_group, issue_to):
    from django.core.cache import cache

    cache.clear()
    issue_to(never_group, email="ada@example.org")
    mail.outbox.clear()
    for _ in range(3):
        assert ask_code(client, "ada@example.org").status_code == 302
    response = ask_code(client, "ada@example.org")
    assert response.status_code == 400
    assert "Too many" in response.content.decode()
    assert len(mail.outbox) == 3


def test_the_link_in_the_email_fills_the_code_in(client, never_group, issue_to):
    issue_to(never_group, email="ada@example.org")
    mail.outbox.clear()
    ask_code(client, "ada@example.org")
    link = re.search(r"http\S+/recipients/sign-in/code\?code=\S+", mail.outbox[0].body).group(0)
    parts = urlsplit(link)
    page = client.get(f"{parts.path}?{parts.query}")
    assert code_in(mail.outbox[0]).encode() in page.content
    assert "_auth_user_id" not in client.session  # a GET signs nobody in


def test_allauth_login_by_code_is_on_for_accounts(client):
    assert client.get("/accounts/login/code/").status_code == 200


def test_bad_input_is_a_clear_error(client):
    response = client.post("/recipients/sign-in", {"email": "not an email"})
    assert response.status_code == 400
    assert client.post("/recipients/sign-in/code", {"code": "x"}).status_code == 302


def test_a_signed_out_recipient_following_the_correction_link_comes_back_to_it(
    client, never_group, issue_to
):
    credential = issue_to(never_group, email="ada@example.org")
    target = f"/recipients/corrections/new?credential={credential.pk}"
    response = client.get(target)
    assert response.status_code == 302
    sign_in_url = response["Location"]
    assert sign_in_url.startswith("/recipients/sign-in?next=")
    mail.outbox.clear()
    client.post(sign_in_url, {"email": "ada@example.org"})
    response = client.post("/recipients/sign-in/code", {"code": code_in(mail.outbox[-1])})
    assert response["Location"] == target
    assert client.get(target).status_code == 200


def test_a_next_address_elsewhere_is_ignored(client, never_group, issue_to):
    issue_to(never_group, email="ada@example.org")
    mail.outbox.clear()
    client.post("/recipients/sign-in?next=https://evil.example/", {"email": "ada@example.org"})
    response = client.post("/recipients/sign-in/code", {"code": code_in(mail.outbox[-1])})
    assert response["Location"] == "/wallet"
