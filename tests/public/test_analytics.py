"""Counts for the issuer: views, downloads, LinkedIn adds, verifications; nothing about who."""

from __future__ import annotations

import threading
from datetime import date

import pytest

pytestmark = pytest.mark.django_db


def test_each_kind_is_counted_per_credential_and_per_group(
    client, valid_credential, issue_one, skills_group
):
    from laurel.analytics.selectors import credential_totals, group_totals, totals_by_credential

    other = issue_one(skills_group, name="Bob", email="bob@example.org")
    base = f"/credential/{valid_credential.pk}"
    for path in (base, base, f"{base}.png", f"{base}.svg", f"{base}.json", f"{base}/linkedin"):
        client.get(path)
    client.get(f"/verify?reference={valid_credential.pk}")
    client.get(f"/credential/{other.pk}")
    totals = credential_totals(valid_credential)
    assert (totals.views, totals.downloads, totals.linkedin_adds, totals.verifications) == (
        2,
        3,
        1,
        1,
    )
    assert totals.by_kind["png"] == totals.by_kind["svg"] == totals.by_kind["json"] == 1
    assert group_totals(skills_group).views == 3
    assert totals_by_credential(skills_group)[other.pk].views == 1


def test_a_counter_row_is_per_day_and_keeps_nothing_about_the_visitor(valid_credential):
    from laurel.analytics.models import DailyCount
    from laurel.analytics.selectors import credential_totals
    from laurel.analytics.services import count

    count(valid_credential.pk, "view", day=date(2026, 1, 1))
    count(valid_credential.pk, "view", day=date(2026, 1, 1))
    count(valid_credential.pk, "view", day=date(2026, 1, 2))
    rows = DailyCount.objects.filter(credential=valid_credential).order_by("day")
    assert [(row.day.day, row.count) for row in rows] == [(1, 2), (2, 1)]
    columns = {field.name for field in DailyCount._meta.fields}
    assert columns == {"id", "credential", "group", "organization", "day", "kind", "count"}
    assert credential_totals(valid_credential, since=date(2026, 1, 2)).views == 1


def test_unknown_credentials_and_kinds_count_nothing(valid_credential):
    from laurel.analytics.models import DailyCount
    from laurel.analytics.services import count

    count("no-such-credential", "view")
    assert DailyCount.objects.count() == 0
    with pytest.raises(ValueError):
        count(valid_credential.pk, "stare")


@pytest.mark.django_db(transaction=True)
def test_concurrent_counts_are_each_counted(valid_credential):
    from django.db import connection

    from laurel.analytics.selectors import credential_totals
    from laurel.analytics.services import count

    def hit() -> None:
        try:
            for _ in range(10):
                count(valid_credential.pk, "view")
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert credential_totals(valid_credential).views == 40


def test_counts_of_a_hot_page_are_summed_then_written_by_one_statement(
    valid_credential, settings, django_assert_num_queries
):
    from laurel.analytics.selectors import credential_totals
    from laurel.analytics.services import count_soon, flush

    settings.LAUREL_ANALYTICS_FLUSH_SECONDS = 3600
    flush()
    with django_assert_num_queries(0):
        for _ in range(5):
            count_soon(valid_credential.pk, "view")
        count_soon(valid_credential.pk, "png")
    with django_assert_num_queries(1):
        flush()
    totals = credential_totals(valid_credential)
    assert (totals.views, totals.downloads) == (5, 1)
