"""Recipient files for the bulk tests, made by the project's own seeded generator."""

from __future__ import annotations

import pytest

from bench.make_recipients import recipients


@pytest.fixture(scope="session")
def people():
    """10,000 international recipients (every script, emoji, combining marks)."""
    return recipients(10_000, seed=13)


@pytest.fixture(scope="session")
def western_people():
    """2,000 recipients whose names Windows-1252 can hold."""
    return recipients(2_000, seed=13, scripts=["western"])


def as_read(recipient_file) -> list[tuple[str, str]]:
    return [(row.name, row.email) for row in recipient_file.rows]


def as_written(people) -> list[tuple[str, str]]:
    return [(person.name, person.email) for person in people]
