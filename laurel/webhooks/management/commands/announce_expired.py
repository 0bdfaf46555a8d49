"""`laurel announce_expired`: send `credential.expired` webhooks for credentials that expired.

Workers already run it every LAUREL_EXPIRY_SWEEP_SECONDS (laurel.webhooks.tasks.
schedule_expiry_sweep); this runs it now, by hand. Each expiry is announced once per
subscription.
"""

from django.core.management.base import BaseCommand

from laurel.webhooks.services import announce_expired_credentials


class Command(BaseCommand):
    help = "Announce credential.expired to webhook subscribers (safe to run as often as wanted)."

    def handle(self, *args, **options) -> None:
        count = announce_expired_credentials()
        self.stdout.write(f"{count} expiry event(s) recorded for delivery.")
