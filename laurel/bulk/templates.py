"""The "Download template" files for a group: a CSV and an XLSX whose header row is
``name``, ``email`` and the group's custom fields. Pure Python, no Django.

The CSV is UTF-8 with a byte order mark (without it, Excel opens UTF-8 as the computer's
legacy code page and garbles every accented name) and CRLF line ends. The XLSX has the
header frozen, every column formatted as text (so Excel keeps "+44…" and "2026-07-01" as
typed), and a second sheet of instructions.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from laurel.bulk.exports import csv_document
from laurel.bulk.reading import MAX_CSV_BYTES, MAX_ROWS

TEXT_FORMAT = "@"
HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")


def template_columns(custom_fields: Iterable[str] = ()) -> list[str]:
    """The header row of a recipient file for a group with these custom fields."""
    return ["name", "email", *dict.fromkeys(custom_fields)]


def csv_template(custom_fields: Iterable[str] = ()) -> bytes:
    """The CSV template: the header row alone, UTF-8 with a BOM."""
    return csv_document([template_columns(custom_fields)])


def xlsx_template(custom_fields: Iterable[str] = (), *, group_title: str = "") -> bytes:
    """The XLSX template: a Recipients sheet (frozen header, text columns) and an
    Instructions sheet."""
    columns = template_columns(custom_fields)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Recipients"
    sheet.append(columns)
    for position, heading in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = 34 if heading in ("name", "email") else 22
        sheet.column_dimensions[letter].number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    _instructions(workbook.create_sheet("Instructions"), columns, group_title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def instructions(columns: list[str], group_title: str = "") -> list[str]:
    """The lines of the Instructions sheet."""
    custom = [column for column in columns if column.startswith("custom_")]
    lines = [
        f"Recipients for {group_title}" if group_title else "Recipients for a bulk issue",
        "",
        "Fill in the Recipients sheet: one recipient a row, under the header row. Keep the "
        "header row as it is; the columns may be in any order.",
        "name: the recipient's full name, as it will appear on the credential (required).",
        "email: the recipient's email address (required). Each address once a file.",
    ]
    lines += [f"{column}: this group's custom field {column} (optional)." for column in custom]
    lines += [
        "",
        "Laurel reads the first sheet only. Other columns are reported and ignored.",
        f"At most {MAX_ROWS:,} recipients a file. Saved as CSV, a file may be up to "
        f"{MAX_CSV_BYTES / 1_000_000:g} MB: choose “CSV UTF-8 (Comma delimited)” so that "
        "every name keeps its characters.",
        "Values are read as text: a value starting with = is not calculated.",
        "Before anything is issued, Laurel shows every row with its status, and the reason "
        "for each row it cannot issue.",
    ]
    return lines


def _instructions(sheet, columns: list[str], group_title: str) -> None:
    sheet.column_dimensions["A"].width = 110
    for line in instructions(columns, group_title):
        sheet.append([line])
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
