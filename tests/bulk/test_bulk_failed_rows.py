"""Download failed rows: a CSV to fix and upload again, safe to open in any spreadsheet."""

from __future__ import annotations

import csv
import io

from bench.make_recipients import FORMULAS, Recipient, csv_bytes, mistakes
from laurel.bulk.domain import row_rules
from laurel.bulk.exports import csv_document, failed_rows_csv
from laurel.bulk.reading import read_recipients
from laurel.bulk.rows import check_rows

FIELDS = ["custom_grade"]


def checked(people, custom_fields=FIELDS):
    read = read_recipients(csv_bytes(people), filename="a.csv", custom_fields=custom_fields)
    return list(check_rows(read.rows, row_rules(custom_fields)))


def test_the_failed_rows_carry_their_row_number_and_reason():
    rows = checked(mistakes())

    data = failed_rows_csv(rows, FIELDS)

    assert data.startswith(b"\xef\xbb\xbfname,email,custom_grade,row,reason\r\n")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    invalid = [row for row in rows if not row.valid]
    assert [line[3] for line in table[1:]] == [str(row.number) for row in invalid]
    assert [line[4] for line in table[1:]] == [row.reason for row in invalid]


def test_formulas_are_escaped_in_the_file_and_read_back_as_they_were():
    people = [Recipient(name, "") for name in FORMULAS]  # no email: every row fails
    rows = checked(people)

    data = failed_rows_csv(rows, FIELDS)

    cells = [line[0] for line in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:]
    assert all(cell.startswith("'") for cell in cells)
    again = checked_from(data)
    assert [row.name for row in again] == [name.strip() for name in FORMULAS]


def test_the_file_comes_back_as_a_recipient_file_with_row_and_reason_ignored():
    rows = checked(mistakes())

    read = read_recipients(
        failed_rows_csv(rows, FIELDS), filename="failed.csv", custom_fields=FIELDS
    )

    assert read.unknown_columns == ("row", "reason")
    assert [(row.name, row.email) for row in check_rows(read.rows, row_rules(FIELDS))] == [
        (row.name, row.email) for row in rows if not row.valid
    ]


def test_csv_document_escapes_every_cell():
    data = csv_document([["=1+2", "@x", 5, None]])

    assert data == b"\xef\xbb\xbf'=1+2,'@x,5,\r\n"


def checked_from(data: bytes):
    read = read_recipients(data, filename="failed.csv", custom_fields=FIELDS)
    return list(check_rows(read.rows, row_rules(FIELDS)))
