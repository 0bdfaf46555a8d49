"""Laurel: issue, publish, revoke and verify Open Badges 3.0 credentials."""

__version__ = "0.1.0"
