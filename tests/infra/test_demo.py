"""The demo a newcomer meets (`laurel demo`, `laurel run`), and that its credentials verify."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from laurel.credentials.models import Credential
from laurel.organizations.models import Organization
from tests.helpers.server import LAUREL, REPO, get, laurel_serve, subprocess_env

TIMEOUT = 120


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def login_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "@" in line and " / " in line]


@pytest.mark.django_db
def test_demo_is_an_approved_professional_academy_with_credentials_in_every_state():
    output = run_demo()

    academy = Organization.objects.get(slug="demo-academy")
    assert academy.name == "Demo Academy"
    assert academy.status == "approved" and academy.plan == "professional"
    assert academy.signing_keys.filter(status="active").exists()
    policies = {(g.expiry_unit, g.expiry_amount) for g in academy.credential_groups.all()}
    assert policies == {("never", None), ("years", 1)}
    credentials = list(Credential.objects.filter(organization=academy))
    now = timezone.now()
    states = {
        "draft": [c for c in credentials if c.status == "draft"],
        "published": [c for c in credentials if c.status == "published" and not c.is_expired(now)],
        "expired": [c for c in credentials if c.status == "published" and c.is_expired(now)],
        "revoked": [
            c for c in credentials if c.revocation_reason and c.revocation_reason != "superseded"
        ],
        "superseded": [c for c in credentials if c.revocation_reason == "superseded"],
        "renewal": [c for c in credentials if c.supersedes_id],
        "private": [c for c in credentials if c.privacy == "private"],
    }
    assert all(states.values()), {state: len(found) for state, found in states.items()}
    owner_line = login_lines(output)[0]
    assert "owner@demo-academy.example.org / " in owner_line
    assert academy.memberships.get(user__email="owner@demo-academy.example.org").role == "owner"


@pytest.mark.django_db
def test_demo_a_second_time_makes_nothing_and_prints_the_same_logins():
    first = run_demo()
    counts = (Organization.objects.count(), Credential.objects.count())
    second = run_demo()
    assert (Organization.objects.count(), Credential.objects.count()) == counts
    assert "Using the demo organization" in second
    assert login_lines(second) == login_lines(first)


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("serve")
def test_demo_credentials_verify_with_laurel_verify_against_laurel_serve():
    with laurel_serve() as server, override_settings(LAUREL_BASE_URL=server.base_url):
        run_demo()
        ada = Credential.objects.get(recipient_name="Ada Lovelace")
        alan = Credential.objects.get(recipient_name="Alan Turing")
        valid = laurel_verify(f"{server.base_url}/credential/{ada.id}.json")
        revoked = laurel_verify(f"{server.base_url}/credential/{alan.id}.json")

    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert json.loads(valid.stdout)["valid"] is True
    assert revoked.returncode == 1, revoked.stdout + revoked.stderr
    assert "revoked" in revoked.stdout.lower()


def laurel_verify(url: str, *extra: str) -> subprocess.CompletedProcess:
    cache = tempfile.mkdtemp(prefix="laurel-verify-cache-")
    return subprocess.run(
        [*LAUREL, "verify", "--json", url, *extra],
        env={**os.environ, "LAUREL_VERIFY_CACHE": cache},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


# --- `laurel run` (what `make run` calls), on a fresh data directory -------------------


@pytest.mark.xdist_group("serve")
def test_laurel_run_sets_up_a_fresh_machine_then_reuses_it(tmp_path):
    first = LaurelRun(tmp_path)
    with first:
        assert "Created the demo organization 'Demo Academy'" in first.output
        owner_login = [line for line in login_lines(first.output) if "owner@" in line]
        assert get(f"{first.base_url}/healthz").status == 200
        # `migrate` made the database cache's table (rate limits need it).
        assert first.query("select count(*) from sqlite_master where name = 'laurel_cache'") == 1
        ada = first.query(
            "select id from credentials_credential where recipient_name = 'Ada Lovelace'"
        )
        result = laurel_verify(f"{first.base_url}/credential/{ada}")  # the HTML page's URL
        assert result.returncode == 0, result.stdout + result.stderr
        # The worker beside the web server empties the outbox queue: nothing left queued.
        assert first.wait_for("select count(*) from mail_emaildelivery where status = 'queued'", 0)
        assert first.query("select count(*) from mail_emaildelivery where backend = 'outbox'") > 0
    assert first.exit_code == 0

    second = LaurelRun(tmp_path)
    with second:
        assert "Using the demo organization 'Demo Academy'" in second.output
        assert [line for line in login_lines(second.output) if "owner@" in line] == owner_login
        assert second.query("select count(*) from organizations_organization") == 1
    assert second.exit_code == 0


class LaurelRun:
    """`laurel run` in a subprocess on a free port, with its own data directory."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.log = tempfile.TemporaryFile()
        self.exit_code = None

    def __enter__(self):
        env = {
            **subprocess_env(),
            "LAUREL_DATA_DIR": str(self.data_dir),
            "LAUREL_BASE_URL": self.base_url,
        }
        env.pop("DATABASE_URL")  # embedded mode: SQLite in the data directory
        self.process = subprocess.Popen(
            [*LAUREL, "run", "--fd", str(self.listener.fileno())],
            pass_fds=[self.listener.fileno()],
            env=env,
            cwd=REPO,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.listener.close()
        deadline = time.monotonic() + TIMEOUT
        while "Laurel is ready" not in self.output:
            assert self.process.poll() is None, self.output
            assert time.monotonic() < deadline, self.output
            time.sleep(0.2)
        return self

    def __exit__(self, *exc_info):
        self.process.send_signal(signal.SIGINT)
        self.exit_code = self.process.wait(timeout=TIMEOUT)

    @property
    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def query(self, sql: str):
        with sqlite3.connect(self.data_dir / "laurel.sqlite3", timeout=30) as db:
            return db.execute(sql).fetchone()[0]

    def wait_for(self, sql: str, expected, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.query(sql) == expected:
                return True
            time.sleep(0.2)
        return False
