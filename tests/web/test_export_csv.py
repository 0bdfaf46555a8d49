"""Exporting the filtered credentials list as CSV, safe against spreadsheet formulas."""

from __future__ import annotations

import csv
import io

import pytest

from laurel.credentials import listing, services


def export(client, organization, query: str = "") -> list[list[str]]:
    response = client.get(f"/organizations/{organization.slug}/credentials/export.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def issue(actor, group, name, email, **extra):
    return services.issue(
        actor=actor, group_key=group.key, recipient_name=name, recipient_email=email, **extra
    )


@pytest.mark.parametrize(
    "value, cell",
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Ada Lovelace", "Ada Lovelace"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_safe(value, cell):
    assert listing.csv_safe(value) == cell


def test_export_escapes_formulas_in_names(member_login, owner, never_group):
    issue(owner, never_group, '=HYPERLINK("http://evil.example","click")', "h@example.org")
    rows = export(member_login(owner.user), owner.organization)
    header, row = rows[0], rows[1]
    assert header[:3] == ["id", "recipient_name", "recipient_email"]
    assert row[1] == '\'=HYPERLINK("http://evil.example","click")'
    assert row[2] == "h@example.org"
    assert row[4] == "published"


def test_export_follows_the_filters_and_every_row(member_login, owner, never_group, yearly_group):
    for n in range(5):
        issue(owner, never_group, f"Never {n}", f"n{n}@example.org")
    issue(owner, yearly_group, "Yearly", "y@example.org")
    issue(owner, never_group, "Draft", "d@example.org", draft=True)
    client = member_login(owner.user)
    assert len(export(client, owner.organization)) == 1 + 7
    rows = export(client, owner.organization, f"?group={yearly_group.key}")
    assert [row[1] for row in rows[1:]] == ["Yearly"]
    rows = export(client, owner.organization, "?status=draft")
    assert [row[1] for row in rows[1:]] == ["Draft"]


def test_export_reads_in_batches_without_losing_rows(owner, never_group):
    for n in range(7):
        issue(owner, never_group, f"P{n}", f"p{n}@example.org")
    rows = list(listing.export_rows(owner.organization, listing.Filters(), batch=3))
    assert len(rows) == len({row.credential.id for row in rows}) == 7


@pytest.mark.parametrize("who", ["owner", "admin", "issuer"])
def test_every_member_may_export_their_own(member_login, actors, never_group, who):
    issue(actors["owner"], never_group, "Ada", "ada@example.org")
    rows = export(member_login(actors[who].user), actors[who].organization)
    assert len(rows) == 2


def test_outsider_gets_404_and_signed_out_goes_to_sign_in(client, member_login, outsider, acme):
    response = client.get(f"/organizations/{acme.slug}/credentials/export.csv")
    assert response.status_code == 302
    assert (
        member_login(outsider.user)
        .get(f"/organizations/{acme.slug}/credentials/export.csv")
        .status_code
        == 404
    )


def test_bad_filters_are_a_400_that_says_why(member_login, owner):
    response = member_login(owner.user).get(
        f"/organizations/{owner.organization.slug}/credentials/export.csv?status=lost"
    )
    assert response.status_code == 400
    assert "status" in response.content.decode()
