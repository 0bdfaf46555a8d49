"""A bulk worker's helper process: it prepares the next batch while the worker writes one.

On SQLite one writer means one worker, and most of a batch needs no write: reading its
rows and the organization, building the credentials, signing them. `laurel worker` hands
that to this child (`python -m laurel.bulk.preparer`, a Django process of its own with its
own connection, which only reads) through laurel.childprocess, so the two run on two
cores: the child prepares batch N+1 (`processing.prepare_batch`, exactly what the worker
would run) while the worker writes batch N. The worker still decides everything under
its lock: a prepared batch is used only if the chunk, read locked, has those rows at that
place, and its signatures only if the organization, key and group are the ones signed
with (else the worker prepares and signs the batch itself).
"""

from __future__ import annotations

import logging
import os

from laurel.childprocess import ChildGone, ChildProcess

logger = logging.getLogger(__name__)

MODULE = "laurel.bulk.preparer"
DATABASE_NAME = "LAUREL_BULK_PREPARER_DATABASE_NAME"


class Preparer:
    """The worker's side: ask for a batch, collect it later (None when the child failed:
    the worker then prepares it itself)."""

    def __init__(self) -> None:
        from django.db import connection

        # The child reads the worker's very database (a test run's, say: not the one
        # the settings name).
        env = {**os.environ, DATABASE_NAME: str(connection.settings_dict["NAME"])}
        self.process = ChildProcess(MODULE, env=env)
        self.prepared = self.failed = 0  # batches the child prepared, and did not

    def alive(self) -> bool:
        return self.process.alive()

    def close(self) -> None:
        self.process.close()

    def prepare(self, chunk, *, after: int, skip: int) -> Pending:
        from django.conf import settings

        request = (chunk.pk, after, skip, settings.LAUREL_BULK_BATCH_ROWS)  # the worker's
        return Pending(self, chunk, self.process.ask(request), after, skip)


class Pending:
    """A batch being prepared by the child, for the worker's own `chunk` object."""

    def __init__(self, preparer: Preparer, chunk, answer, after: int, skip: int):
        self._preparer, self._answer = preparer, answer
        self.chunk, self._after, self._skip = chunk, after, skip

    def get(self):
        from laurel.bulk.processing import prepare_batch

        try:
            batch = self._answer.result()
        except ChildGone as gone:
            logger.warning("The bulk preparer failed; the worker prepares the batch: %s", gone)
            batch = None
        if batch is None:  # prepared here instead
            self._preparer.failed += 1
            return prepare_batch(self.chunk, after=self._after, skip=self._skip)
        self._preparer.prepared += 1
        batch.chunk = self.chunk
        return batch


def _answer(request):
    from django.db import close_old_connections

    from laurel.bulk.models import BulkChunk
    from laurel.bulk.processing import prepare_batch

    chunk_id, after, skip, limit = request
    close_old_connections()
    chunk = BulkChunk.objects.filter(pk=chunk_id).first()
    if chunk is None:
        return None
    batch = prepare_batch(chunk, after=after, skip=skip, limit=limit)
    batch.chunk = None  # the worker puts its own
    return batch


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
    django.setup()
    from django.db import connection

    from laurel.childprocess import serve

    connection.settings_dict["NAME"] = os.environ[DATABASE_NAME]
    serve(_answer)
