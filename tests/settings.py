"""The test suite's settings: Laurel's own, plus a test database per test process.

The data directory is made as `laurel migrate` would make it (Laurel's settings only read
it), before those settings are read.
"""

import os

from laurel.ops import data_dir

data_dir.prepare()

from laurel.settings import *  # noqa: E402, F403
from laurel.settings import DATA_DIR, DATABASES  # noqa: E402

# One test database per test process, so that concurrent test runs never clobber each
# other's; SQLite in a file (not :memory:) so that a test's threads and subprocesses share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_laurel_{os.getpid()}"}

# Analytics written at once, in the request that counted them, so that a test reads back
# what its requests counted (tests/public/test_analytics.py tests the background writer).
LAUREL_ANALYTICS_FLUSH_SECONDS = 0
