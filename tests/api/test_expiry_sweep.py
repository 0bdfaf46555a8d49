"""`credential.expired` webhooks need a sweep that runs by itself: every worker schedules
it when it starts, each sweep schedules the next, and many workers enqueue one per slot."""

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laurel.credentials.models import Credential
from laurel.webhooks.expiry import next_sweep_at
from laurel.webhooks.tasks import schedule_expiry_sweep
from tests.api.webhook_receiver import webhook_receiver
from tests.helpers.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def scheduled_sweeps():
    return DBTaskResult.objects.filter(
        task_path__endswith="announce_expired_credentials_task", status="READY"
    )


def test_sweep_slots_are_whole_multiples_of_the_period():
    moment = datetime(2026, 3, 1, 12, 7, 30, tzinfo=UTC)
    assert next_sweep_at(moment, 300) == datetime(2026, 3, 1, 12, 10, tzinfo=UTC)
    assert next_sweep_at(datetime(2026, 3, 1, 12, 10, tzinfo=UTC), 300) == datetime(
        2026, 3, 1, 12, 15, tzinfo=UTC
    )


def test_many_workers_starting_at_once_schedule_one_sweep(settings):
    settings.LAUREL_EXPIRY_SWEEP_SECONDS = 300
    now = timezone.now()
    results = []

    def worker_starts():
        try:
            results.append(schedule_expiry_sweep(now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker_starts) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, False, False, True]
    [sweep] = scheduled_sweeps()
    assert sweep.run_after == next_sweep_at(now, 300)


def test_laurel_worker_schedules_the_sweep_when_it_starts(settings):
    settings.LAUREL_EXPIRY_SWEEP_SECONDS = 300
    call_command("worker", "--batch", "--verbosity", "0")
    [sweep] = scheduled_sweeps()
    assert timezone.now() < sweep.run_after <= timezone.now() + timedelta(seconds=300)


def test_a_period_of_zero_schedules_nothing(settings):
    settings.LAUREL_EXPIRY_SWEEP_SECONDS = 0
    assert schedule_expiry_sweep() is False
    assert not scheduled_sweeps().exists()


def test_scheduled_sweep_announces_expiry_and_schedules_the_next(
    api, acme_keys, yearly_group, settings
):
    settings.LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver is on loopback
    settings.LAUREL_EXPIRY_SWEEP_SECONDS = 300
    with webhook_receiver() as receiver:
        body = {"url": receiver.url, "events": ["credential.expired"]}
        assert api.post("/api/v1/webhooks", acme_keys.admin_key, body).status_code == 201
        issued = {"group_key": yearly_group.key, "recipient": {"name": "Ada", "email": "a@x.org"}}
        created = api.post("/api/v1/credentials", acme_keys.issuer_key, issued).json()
        Credential.objects.filter(pk=created["id"]).update(valid_until=timezone.now())
        # A slot that is already due, as if this worker started five minutes ago.
        assert schedule_expiry_sweep(timezone.now() - timedelta(seconds=300))
        run_pending_tasks()

    [received] = receiver.received
    payload = json.loads(received.body)
    assert payload["type"] == "credential.expired"
    assert payload["data"]["credential"]["id"] == created["id"]
    [following] = scheduled_sweeps()
    assert following.run_after > timezone.now()
