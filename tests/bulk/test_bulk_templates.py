"""The "Download template" files: the header row with the group's custom fields."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from laurel.bulk.reading import read_recipients
from laurel.bulk.templates import csv_template, instructions, template_columns, xlsx_template

FIELDS = ["custom_grade", "custom_hours"]


def test_the_columns_are_name_email_and_the_custom_fields():
    assert template_columns(FIELDS) == ["name", "email", "custom_grade", "custom_hours"]
    assert template_columns() == ["name", "email"]


def test_the_csv_template_is_utf8_with_a_bom_and_reads_back_as_a_recipient_file():
    data = csv_template(FIELDS)

    assert data == b"\xef\xbb\xbfname,email,custom_grade,custom_hours\r\n"
    read = read_recipients(data, filename="template.csv", custom_fields=FIELDS)
    assert read.custom_columns == tuple(FIELDS)
    assert read.unknown_columns == ()
    assert list(read.rows) == []


def test_the_xlsx_template_has_a_frozen_header_text_columns_and_instructions():
    data = xlsx_template(FIELDS, group_title="Python 101")

    workbook = load_workbook(io.BytesIO(data))
    recipients, notes = workbook.worksheets
    assert recipients.title == "Recipients"
    assert [cell.value for cell in recipients[1]] == template_columns(FIELDS)
    assert recipients.freeze_panes == "A2"
    assert all(recipients[1][i].font.bold for i in range(4))
    assert recipients.column_dimensions["C"].number_format == "@"
    assert notes.title == "Instructions"
    lines = [row[0].value for row in notes.iter_rows()]
    assert lines[0] == "Recipients for Python 101"
    assert any("custom_hours" in (line or "") for line in lines)


def test_the_xlsx_template_reads_back_as_a_recipient_file():
    read = read_recipients(xlsx_template(FIELDS), filename="template.xlsx", custom_fields=FIELDS)

    assert read.columns == tuple(template_columns(FIELDS))
    assert list(read.rows) == []


def test_the_instructions_name_every_column():
    lines = "\n".join(instructions(template_columns(FIELDS)))

    for column in template_columns(FIELDS):
        assert f"{column}:" in lines
