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
    for path in (
        base,
        base,
        f"{base}.png",
        f"{base}.svg",
        f"{base}.json",
        f"{base}.pdf",
        f"{base}/linkedin",
    ):
        assert client.get(path).status_code in (200, 302), path
    client.get(f"/verify?reference={valid_credential.pk}")  # the page's "Verify again"
    client.post("/verify", {"reference": valid_credential.url})
    client.get(f"/credential/{other.pk}")
    totals = credential_totals(valid_credential)
    assert (totals.views, totals.downloads, totals.linkedin_adds, totals.verifications) == (
        2,
        4,
        1,
        2,
    )
    assert totals.by_kind["png"] == totals.by_kind["svg"] == totals.by_kind["json"] == 1
    assert totals.by_kind["pdf"] == 1
    assert group_totals(skills_group).views == 3
    assert group_totals(skills_group).downloads == 4
    assert totals_by_credential(skills_group)[other.pk].views == 1


def test_an_uploaded_file_of_ours_counts_as_a_verification_of_that_credential(
    client, valid_credential
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from laurel.analytics.selectors import credential_totals

    png = client.get(f"/credential/{valid_credential.pk}.png").content
    upload = SimpleUploadedFile("badge.png", png, content_type="image/png")
    response = client.post("/verify", {"file": upload})
    assert b'data-check="proof" data-outcome="passed"' in response.content
    foreign = SimpleUploadedFile("x.json", b'{"id": "https://elsewhere.example/c/1"}')
    client.post("/verify", {"file": foreign})
    assert credential_totals(valid_credential).verifications == 1


def test_heads_robots_and_refused_visitors_are_not_counted(
    client, valid_credential, private_credential
):
    from laurel.analytics.models import DailyCount

    base = f"/credential/{valid_credential.pk}"
    for path in (base, f"{base}.png", f"{base}.json", f"{base}.pdf"):
        assert client.head(path).status_code == 200, path
    for robot in (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Twitterbot/1.0",
        "WhatsApp/2.23.20.0",
    ):
        assert client.get(base, headers={"user-agent": robot}).status_code == 200, robot
        client.get(f"{base}/preview.png", headers={"user-agent": robot})
    # A stranger refused a private credential saw nothing: nothing happened to it.
    private = f"/credential/{private_credential.pk}"
    for path in (private, f"{private}.json", f"{private}.png", f"{private}.pdf"):
        assert client.get(path).status_code == 403, path
    client.get(f"/verify?reference={private_credential.pk}")
    assert not DailyCount.objects.exists()
    # A person's browser is counted.
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
    client.get(base, headers={"user-agent": firefox})
    assert DailyCount.objects.get().count == 1


def test_the_recipient_signed_in_is_counted_on_their_private_credential(
    client, user_factory, member_login, private_credential
):
    from allauth.account.models import EmailAddress

    from laurel.analytics.selectors import credential_totals

    user = user_factory("secret@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    member_login(user)
    client.get(f"/credential/{private_credential.pk}")
    client.get(f"/credential/{private_credential.pk}.pdf")
    totals = credential_totals(private_credential)
    assert (totals.views, totals.downloads) == (1, 1)


def test_a_group_total_is_the_sum_of_its_credentials_over_any_period(
    valid_credential, issue_one, skills_group
):
    from laurel.analytics.models import GroupDailyCount
    from laurel.analytics.selectors import credential_totals, group_totals
    from laurel.analytics.services import count

    other = issue_one(skills_group, name="Bob", email="bob@example.org")
    count(valid_credential.pk, "view", day=date(2026, 1, 1), by=3)
    count(other.pk, "view", day=date(2026, 1, 1), by=2)
    count(other.pk, "view", day=date(2026, 1, 5))
    count(other.pk, "verify", day=date(2026, 1, 5))
    rows = GroupDailyCount.objects.filter(group=skills_group).order_by("day", "kind")
    assert [(row.day.day, row.kind, row.count) for row in rows] == [
        (1, "view", 5),
        (5, "verify", 1),
        (5, "view", 1),
    ]
    assert group_totals(skills_group).views == 6
    assert group_totals(skills_group, since=date(2026, 1, 2)).views == 1
    assert group_totals(skills_group, until=date(2026, 1, 4)).verifications == 0
    assert credential_totals(other).views + credential_totals(valid_credential).views == 6


def test_periods_are_read_from_what_the_issuer_picks():
    from laurel.analytics.selectors import period

    today = date(2026, 3, 31)
    assert period("7d").since(today) == date(2026, 3, 25)
    assert period("30d").since(today) == date(2026, 3, 2)
    assert period("365d").since(today) == date(2025, 4, 1)
    assert period("all").since(today) is None
    for anything_else in (None, "", "7", "30d ", "<script>"):
        assert period(anything_else).key == "30d"


@pytest.mark.parametrize(
    ("user_agent", "counted"),
    [
        ("", True),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15", True),
        ("python-requests/2.32.3", True),  # a verifier fetching the JSON is a verification
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", False),
        ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", False),
        ("TelegramBot (like TwitterBot)", False),
        ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", False),
        ("Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)", False),
    ],
)
def test_which_requests_are_visits(user_agent, counted):
    from laurel.analytics.services import is_counted_visit

    assert is_counted_visit("GET", user_agent) is counted
    assert is_counted_visit("HEAD", user_agent) is False


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


@pytest.mark.django_db(transaction=True)
def test_concurrent_flushes_of_many_credentials_add_up_exactly(
    valid_credential, issue_one, skills_group
):
    """As from several web processes, each flushing a batch that names the same rows."""
    from django.db import connection

    from laurel.analytics.selectors import credential_totals, group_totals
    from laurel.analytics.services import _upsert

    other = issue_one(skills_group, name="Bob", email="bob@example.org")
    today = date.today()

    def flushes(first, second) -> None:
        try:
            for _ in range(10):
                _upsert({(first, today, "view"): 1, (second, today, "view"): 2})
        finally:
            connection.close()

    pairs = [(valid_credential.pk, other.pk), (other.pk, valid_credential.pk)] * 2
    threads = [threading.Thread(target=flushes, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mine, theirs = credential_totals(valid_credential).views, credential_totals(other).views
    assert mine + theirs == 4 * 10 * 3
    assert (mine, theirs) == (60, 60)
    assert group_totals(skills_group).views == 120


@pytest.mark.django_db(transaction=True)
def test_a_page_view_never_writes_its_counts_itself(client, valid_credential, settings):
    """They are written by a thread of their own (on SQLite a write may wait for the lock)."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from laurel.analytics import services
    from laurel.analytics.selectors import credential_totals

    settings.LAUREL_ANALYTICS_FLUSH_SECONDS = 0.05
    services.flush()
    for _ in range(3):
        time.sleep(0.06)  # each view is due for a write
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/credential/{valid_credential.pk}").status_code == 200
        assert not [query for query in captured if "analytics_" in query["sql"]]
        services._pending.writer.join(timeout=30)
    assert not services._pending.writer.is_alive()
    assert credential_totals(valid_credential).views == 3


def test_counts_of_a_hot_page_are_summed_then_written_by_one_statement_per_table(
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
    with django_assert_num_queries(4) as captured:  # in the test's transaction: savepoints
        flush()
    inserts = [query["sql"] for query in captured.captured_queries if "INSERT" in query["sql"]]
    assert len(inserts) == 2  # one for the credentials' counters, one for the groups'
    totals = credential_totals(valid_credential)
    assert (totals.views, totals.downloads) == (5, 1)
