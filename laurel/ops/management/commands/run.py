"""`laurel run` (what `make run` calls): set up what is missing, then serve.

Migrates the database (which also makes the cache table), collects static files, makes the demo
(once; its logins are printed every time) and starts `laurel serve` with a task worker.
A second run reuses everything that is there.
"""

from __future__ import annotations

import os
import urllib.parse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Set up Laurel (migrate, demo) and serve it on 127.0.0.1:8000 with a task worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--fd", type=int, help="Serve on this already-bound socket.")
        parser.add_argument("--no-demo", action="store_true", help="Do not create the demo.")

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"]:
            call_command("demo", stdout=self.stdout)
        self._warn_if_base_url_differs(options)
        call_command(
            "serve",
            host=options["host"],
            port=options["port"],
            fd=options["fd"],
            stdout=self.stdout,
        )

    def _warn_if_base_url_differs(self, options) -> None:
        if options["fd"] is not None or "LAUREL_BASE_URL" in os.environ:
            return
        if urllib.parse.urlsplit(settings.LAUREL_BASE_URL).port != options["port"]:
            self.stderr.write(
                f"Note: LAUREL_BASE_URL is {settings.LAUREL_BASE_URL}; credentials and DIDs "
                f"point there, not to port {options['port']}. Set LAUREL_BASE_URL to match."
            )
