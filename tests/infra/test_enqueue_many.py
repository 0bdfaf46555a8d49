"""enqueue_many_on_commit writes the task rows django-tasks-db would write one by one:
the same arguments (normalized as it normalizes them), queue, path and priority."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult

from laurel.mail.tasks import send_email
from laurel.tasks import _normalized_args, enqueue_many_on_commit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "args",
    [(7,), (1, 2, 3), (), (True,), ("a", (1, 2)), (1, {"k": (3,)}), (2**70,)],
    ids=repr,
)
def test_the_arguments_are_normalized_as_django_tasks_normalizes_them(args):
    assert _normalized_args(args) == normalize_json({"args": list(args), "kwargs": {}})


def test_many_calls_write_the_rows_one_enqueue_would_write_each():
    with transaction.atomic():
        send_email.enqueue(900)
        enqueue_many_on_commit(send_email, [(901,), (902,)])
    one, *many = DBTaskResult.objects.filter(task_path=send_email.module_path).order_by(
        "enqueued_at", "args_kwargs"
    )
    assert [task.args_kwargs for task in [one, *many]] == [
        {"args": [n], "kwargs": {}} for n in (900, 901, 902)
    ]
    for task in many:
        assert (task.queue_name, task.priority, task.status, task.backend_name) == (
            one.queue_name,
            one.priority,
            one.status,
            one.backend_name,
        )
