"""Checking each row of a bulk file: every reason a row is invalid, with its row number."""

from __future__ import annotations

import csv
import io

import pytest

from bench.make_recipients import Recipient, csv_bytes, mistakes, tricky, xlsx_bytes
from laurel.bulk import rows as bulk_rows
from laurel.bulk.domain import row_rules
from laurel.bulk.reading import Row, read_recipients
from laurel.bulk.rows import check_rows, csv_safe, csv_safe_row


def checked(people, *, custom_fields=(), kind="csv", **rules):
    data = csv_bytes(people) if kind == "csv" else xlsx_bytes(people)
    read = read_recipients(data, filename=f"people.{kind}", custom_fields=custom_fields)
    rules = row_rules(custom_fields) if not rules else _rules(custom_fields, **rules)
    return list(check_rows(read.rows, rules))


def _rules(custom_fields, **overrides):
    base = row_rules(custom_fields)
    return bulk_rows.RowRules(
        email_is_valid=base.email_is_valid,
        name_max_length=overrides.get("name_max_length", base.name_max_length),
        email_max_length=overrides.get("email_max_length", base.email_max_length),
        custom_fields=base.custom_fields,
        custom_max_length=overrides.get("custom_max_length"),
    )


def test_the_limits_are_the_credential_columns():
    rules = row_rules()

    assert (rules.name_max_length, rules.email_max_length) == (200, 254)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_usual_mistake_gets_its_reason(kind):
    written = mistakes()

    result = checked(written, custom_fields=["custom_grade"], kind=kind)

    assert [row.problems[0].code if row.problems else "" for row in result] == [
        person.expected for person in written
    ]
    assert all(row.reason for row in result if not row.valid)


def test_invalid_rows_carry_their_spreadsheet_row_number():
    written = [Recipient("Ada", "ada@example.org"), Recipient("", "x@example.org")]

    result = checked(written)

    assert [(row.number, row.valid) for row in result] == [(2, True), (3, False)]


def test_values_are_trimmed():
    (row,) = checked([Recipient("  Ada Lovelace \t", "  ada@example.org  ")])

    assert (row.name, row.email, row.valid) == ("Ada Lovelace", "ada@example.org", True)


def test_a_duplicate_names_the_row_it_repeats_compared_case_insensitively_after_trimming():
    written = [
        Recipient("Ada", "Ada@Example.org"),
        Recipient("Bob", "bob@example.org"),
        Recipient("Ada again", "  ada@EXAMPLE.org "),
    ]

    result = checked(written)

    assert result[2].duplicate_of == 2
    assert result[2].reason == "Duplicate of row 2: the same email address."
    assert [row.valid for row in result] == [True, True, False]


def test_an_invalid_row_does_not_make_a_later_one_a_duplicate():
    written = [Recipient("", "ada@example.org"), Recipient("Ada", "ada@example.org")]

    result = checked(written)

    assert [row.valid for row in result] == [False, True]


def test_a_row_can_have_several_reasons():
    (row,) = checked([Recipient("Bell\x07" + "x" * 200, "a" * 255 + "@example.org")])

    assert [problem.code for problem in row.problems] == [
        "too_long",
        "control_character",
        "too_long",
    ]
    assert "U+0007" in row.reason


def test_tab_and_newline_are_not_control_characters_the_domain_refuses():
    (row,) = checked([Recipient("Line One\nLine Two", "ada@example.org")])

    assert row.valid


def test_custom_fields_are_checked_against_the_group():
    written = [
        Recipient("Ada", "ada@example.org", {"custom_grade": " A ", "custom_nope": ""}),
        Recipient("Bob", "bob@example.org", {"custom_nope": "x"}),
    ]

    result = checked(written, custom_fields=["custom_grade"])

    assert result[0].valid and result[0].custom == {"custom_grade": "A"}
    assert result[1].problems[0].code == bulk_rows.UNKNOWN_CUSTOM_FIELD
    assert "custom_nope is not a custom field of this group" in result[1].reason


def test_custom_values_longer_than_a_given_limit_are_too_long():
    written = [Recipient("Ada", "ada@example.org", {"custom_grade": "x" * 11})]

    (row,) = checked(written, custom_fields=["custom_grade"], custom_max_length=10)

    assert row.problems[0].code == bulk_rows.TOO_LONG


def test_cells_past_the_header_make_the_row_invalid():
    read = read_recipients(b"email,name\na@example.org,Smith, John\n", filename="a.csv")

    (row,) = check_rows(read.rows, row_rules())

    assert row.problems[0].code == bulk_rows.EXTRA_CELLS
    assert "double quotes" in row.reason


def test_formulas_and_markup_are_valid_names_kept_as_text():
    written = [person for person in tricky() if person.name[0] in "=+-@<&{R"]

    result = checked(written)

    assert all(row.valid for row in result)
    assert [row.name for row in result] == [person.name.strip() for person in written]


def test_rows_stream_one_at_a_time():
    def endless():
        number = 1
        while True:
            number += 1
            yield Row(number, f"Person {number}", f"p{number}@example.org")

    stream = check_rows(endless(), row_rules())

    assert [next(stream).number for _ in range(3)] == [2, 3, 4]


# --- csv_safe ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+2", "'=1+2"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-Ana-", "'-Ana-"),
        ("@handle", "'@handle"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),
        ('=HYPERLINK("http://x.example","y")', '\'=HYPERLINK("http://x.example","y")'),
        ("Ada Lovelace", "Ada Lovelace"),
        ("Jean-Luc", "Jean-Luc"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_safe_escapes_what_a_spreadsheet_would_evaluate(value, written):
    assert csv_safe(value) == written


def test_a_csv_written_with_csv_safe_row_reads_back_as_quoted_text():
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow(csv_safe_row(["=1+2", "ada@example.org", "plain"]))

    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'=1+2", "ada@example.org", "plain"]
