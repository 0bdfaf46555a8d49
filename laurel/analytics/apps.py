from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """What happens to published credentials: views, downloads, LinkedIn adds, verifications.

    Counted by Laurel itself, one row per credential per day per kind; nothing about the
    visitor (no address, no user agent, no cookie) is kept.
    """

    name = "laurel.analytics"
    verbose_name = "Analytics"
