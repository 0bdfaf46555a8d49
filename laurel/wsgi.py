"""The WSGI application gunicorn serves (`laurel serve`).

Once loaded, and again after the first requests have loaded what pages use (templates,
translations), the process's objects are moved out of the garbage collector's sight
(gc.freeze): they live as long as the process, and a full collection that walked them
all stalled every thread of the process for tens of milliseconds (bench/verify_page.py's
p99). Later objects are collected as usual.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")

WARM_UP_REQUESTS = 500


class _FreezeAfterWarmUp:
    def __init__(self, app, requests: int) -> None:
        self.app = app
        self.left = requests

    def __call__(self, environ, start_response):
        if self.left > 0:
            self.left -= 1  # a race between threads only freezes twice: no harm
            if self.left == 0:
                gc.freeze()
        return self.app(environ, start_response)


def _loaded() -> None:
    from django.urls import get_resolver

    patterns = get_resolver().url_patterns  # imports every URLconf and view module
    del patterns
    gc.collect()
    gc.freeze()


application = get_wsgi_application()
_loaded()
application = _FreezeAfterWarmUp(application, WARM_UP_REQUESTS)
