"""API keys for the cast of tests/fixtures.py: acme and globex each get an Admin and an Issuer key."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from laurel.organizations.api_keys import create_api_key
from laurel.organizations.models import Role
from laurel.organizations.permissions import Actor


@dataclass
class Org:
    organization: object
    admin_key: str
    issuer_key: str

    def key(self, role: str) -> str:
        return self.admin_key if role == Role.ADMIN else self.issuer_key


class Api:
    """A test client that speaks JSON with a bearer key."""

    def __init__(self) -> None:
        self.client = Client()

    def call(self, method: str, path: str, key: str | None = None, body=None, headers=None):
        headers = dict(headers or {})
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        kwargs = {"headers": headers}
        if body is not None:
            kwargs["data"] = body if isinstance(body, str | bytes) else json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method.lower())(path, **kwargs)

    def get(self, path, key=None, **kw):
        return self.call("GET", path, key, **kw)

    def post(self, path, key=None, body=None, **kw):
        return self.call("POST", path, key, body if body is not None else {}, **kw)

    def patch(self, path, key=None, body=None, **kw):
        return self.call("PATCH", path, key, body if body is not None else {}, **kw)

    def delete(self, path, key=None, **kw):
        return self.call("DELETE", path, key, **kw)


def keys_for(organization) -> Org:
    actor = Actor.system(organization)
    _, admin_key = create_api_key(actor=actor, name="admin key", role=Role.ADMIN)
    _, issuer_key = create_api_key(actor=actor, name="issuer key", role=Role.ISSUER)
    return Org(organization=organization, admin_key=admin_key, issuer_key=issuer_key)


@pytest.fixture(autouse=True)
def fresh_rate_limits(django_db_setup, django_db_blocker):
    # Rate limits count in the cache, which transactional tests do not roll back.
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture
def api() -> Api:
    return Api()


@pytest.fixture
def acme_keys(acme) -> Org:
    """acme (tests/fixtures.py) with an Admin and an Issuer API key."""
    return keys_for(acme)


@pytest.fixture
def globex_keys(globex) -> Org:
    """Another organization: its ids must look missing to acme's keys."""
    return keys_for(globex)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The cast's users have passwords; the slow production hasher would dominate these tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
