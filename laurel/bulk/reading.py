"""Read a recipient file (CSV or XLSX) into rows of name, email and custom attributes.

Pure Python, no Django: a page, the API and a script read files the same way. The header
is read at once, so a file without one is refused before anything else; the rows come as
an iterator, so a large file is never held as rows in memory. Values come as written (the
trimming and every per-row rule live in ``laurel.bulk.rows``); a cell starting with ``=``
is text like any other, since nothing here evaluates anything.

    recipients = read_recipients(upload, filename="july.csv", custom_fields=["custom_score"])
    recipients.unknown_columns      # reported to the issuer, then ignored
    for row in recipients.rows: ...  # Row(number=2, name="Ada", email="ada@…", custom={…})
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from laurel.bulk.decoding import decode
from laurel.bulk.errors import (
    EmptyFile,
    FileTooLarge,
    HeaderError,
    MalformedCsv,
    TooManyRows,
    UnsupportedFile,
)
from laurel.bulk.workbook import WorkbookLimits, workbook_rows

MAX_CSV_BYTES = 1_000_000
MAX_ROWS = 10_000
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Row:
    """One recipient as written in the file; ``number`` is the row the issuer sees in their
    spreadsheet (the header is row 1 of a file that starts with it; for a CSV, the line on
    which the row starts)."""

    number: int
    name: str
    email: str
    custom: dict[str, str] = field(default_factory=dict)
    # CSV cells beyond the header's last column or under no heading: a value holding the
    # delimiter without quotes.
    extra_cells: tuple[str, ...] = ()


@dataclass
class RecipientFile:
    kind: str  # "csv" or "xlsx"
    columns: tuple[str, ...]  # the header as written
    custom_columns: tuple[str, ...]  # the group's custom fields the file fills
    unknown_columns: tuple[str, ...]  # reported, then ignored
    rows: Iterator[Row]
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only


def read_recipients(
    source: BinaryIO | bytes | str | os.PathLike,
    *,
    filename: str | None = None,
    custom_fields: Iterable[str] = (),
    max_csv_bytes: int = MAX_CSV_BYTES,
    max_rows: int = MAX_ROWS,
    workbook_limits: WorkbookLimits | None = None,
) -> RecipientFile:
    """Open a recipient file; RecipientFileError (a sentence saying why and what to do) if
    it cannot be read. The header is checked here; iterating ``rows`` may still raise
    TooManyRows or MalformedCsv (a quote never closed) when it reaches the place. ``filename`` decides CSV or XLSX (by default a path's own name, or
    an uploaded file's ``name``)."""
    if filename is None:
        is_path = isinstance(source, str | os.PathLike)
        filename = os.fspath(source) if is_path else getattr(source, "name", None)
    extension = os.path.splitext(filename or "")[1].lower()
    limits = workbook_limits or WorkbookLimits(max_rows=max_rows)
    if extension == ".xlsx":
        data = _read_bounded(source, limits.max_file_bytes, "an XLSX workbook")
        cells = workbook_rows(data, limits)
        return _recipients("xlsx", cells, custom_fields, max_rows)
    if extension in (".csv", ".txt", ".tsv", ""):
        data = _read_bounded(source, max_csv_bytes, "a CSV file")
        text, encoding = decode(data)
        text, delimiter, skipped = _delimiter(text)
        cells = _csv_cells(text, delimiter, first_line=1 + skipped)
        recipients = _recipients("csv", cells, custom_fields, max_rows)
        recipients.encoding, recipients.delimiter = encoding, delimiter
        return recipients
    raise UnsupportedFile(
        f"Laurel reads .csv and .xlsx files, not {extension}. Save the sheet as "
        "“CSV UTF-8 (Comma delimited)” or as an Excel Workbook (.xlsx)."
    )


def _read_bounded(source, limit: int, what: str) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source[: limit + 1])
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        data = source.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(
            f"The file is larger than {_size(limit)}, the limit for {what}. "
            "Split it into smaller files."
        )
    if not data.strip():
        raise EmptyFile(
            "The file is empty: it needs a header row (name, email) and one row a recipient."
        )
    return data


def _size(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:g} MB"
    return f"{count / 1000:g} kB"


# --- CSV ---------------------------------------------------------------------------------


def _delimiter(text: str) -> tuple[str, str, int]:
    """(text without an Excel ``sep=`` line, the delimiter, lines skipped). The header
    decides: the delimiter is the one that splits it into cells holding both ``name`` and
    ``email``; values never vote, so a name with a comma cannot mislead it."""
    first = text.split("\n", 1)[0].split("\r", 1)[0]
    if first.lower().startswith("sep=") and len(first.strip()) == 5:
        wanted = first.strip()[4]
        body = text[len(first) :].removeprefix("\r").removeprefix("\n")
        return body, wanted, 1
    header = _first_nonblank_line(text)
    best, best_cells = ",", 0
    for delimiter in DELIMITERS:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        names = {cell.strip().lower() for cell in cells}
        if {"name", "email"} <= names and len(cells) > best_cells:
            best, best_cells = delimiter, len(cells)
    if not best_cells:  # no header: pick the delimiter the line uses most, for the message
        best = max(DELIMITERS, key=header.count)
    return text, best, 0


def _first_nonblank_line(text: str) -> str:
    # Blank as the rows are: a line of only delimiters (",,,") is one Excel left empty.
    for line in io.StringIO(text, newline=""):
        if line.strip(' \t\r\n,;"'):
            return line.rstrip("\r\n")
    return ""


def _csv_cells(text: str, delimiter: str, *, first_line: int) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        number = reader.line_num + first_line
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise MalformedCsv(_malformed(number, str(error))) from None
        yield number, cells


def _malformed(number: int, reason: str) -> str:
    if "end of data" in reason or "field larger" in reason:
        return (
            f"Line {number} cannot be read as CSV: a double quote opened there is never closed "
            f"(or a value is longer than {csv.field_size_limit():,} characters)."
        )
    return (
        f"Line {number} cannot be read as CSV ({reason}). A value holding quotes must be in "
        'double quotes with each quote doubled, like "Ada ""The Countess"" King".'
    )


# --- Both kinds --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    name: int
    email: int
    custom: tuple[tuple[int, str], ...]
    width: int
    # CSV cells under no heading: where a value spills when it holds the delimiter unquoted
    # (a header "email,name," and a row "a@x.org,Smith, John").
    unheaded: tuple[int, ...] = ()


def _recipients(
    kind: str,
    cells: Iterator[tuple[int, Sequence[str]]],
    custom_fields: Iterable[str],
    max_rows: int,
) -> RecipientFile:
    number, header = next(
        ((number, row) for number, row in cells if any(cell.strip() for cell in row)),
        (0, None),
    )
    if header is None:
        raise EmptyFile("The file has no rows: it needs a header row (name, email).")
    columns, unknown = _header(number, header, list(custom_fields), spill=kind == "csv")
    return RecipientFile(
        kind=kind,
        columns=tuple(header),
        custom_columns=tuple(name for _, name in columns.custom),
        unknown_columns=unknown,
        rows=_rows(cells, columns, max_rows),
    )


def _header(number: int, header: Sequence[str], custom_fields: list[str], *, spill: bool):
    """The positions of the columns Laurel reads, and the headings it ignores."""
    by_lower = {name.lower(): name for name in custom_fields}
    seen: dict[str, int] = {}
    custom, unknown = [], []
    for position, heading in enumerate(header):
        heading = heading.strip().lstrip("\ufeff")
        key = heading.lower()
        if key in ("name", "email"):
            canonical = key
        elif key.startswith("custom_"):
            # Matched without regard to case; one the group lacks is still read, so that each
            # row holding a value in it can say so.
            canonical = heading if heading in custom_fields else by_lower.get(key, heading)
        else:
            if heading:
                unknown.append(heading)
            continue
        if canonical.lower() in seen:
            raise HeaderError(f"The header row (row {number}) has two “{heading}” columns.")
        seen[canonical.lower()] = position
        if key.startswith("custom_"):
            custom.append((position, canonical))
            if canonical not in custom_fields:
                unknown.append(canonical)
    if "name" not in seen or "email" not in seen:
        raise HeaderError(_no_header_message(number, header))
    unheaded = tuple(i for i, heading in enumerate(header) if not heading.strip()) if spill else ()
    columns = _Columns(seen["name"], seen["email"], tuple(custom), len(header), unheaded)
    return columns, tuple(unknown)


def _no_header_message(number: int, header: Sequence[str]) -> str:
    found = ", ".join(f"“{cell.strip()}”" for cell in header if cell.strip())[:200]
    if any("@" in cell for cell in header):
        return (
            f"The file has no header row: row {number} already holds a recipient ({found}). "
            "Add a first row with the column names name and email (download the template)."
        )
    return (
        f"The header row (row {number}) must have the columns name and email; it has {found}. "
        "Download the template to see the expected layout."
    )


def _rows(
    cells: Iterator[tuple[int, Sequence[str]]], columns: _Columns, max_rows: int
) -> Iterator[Row]:
    count = 0
    for number, values in cells:
        if not any(value.strip() for value in values):
            continue  # a blank line, or a row Excel left with only delimiters
        count += 1
        if count > max_rows:
            raise TooManyRows(
                f"The file has more than {max_rows:,} recipients (row {number} is one too "
                f"many). Split it into files of at most {max_rows:,} rows."
            )
        yield _row(number, values, columns)


def _row(number: int, values: Sequence[str], columns: _Columns) -> Row:
    def cell(position: int) -> str:
        return values[position] if position < len(values) else ""

    custom = {name: cell(position) for position, name in columns.custom if cell(position).strip()}
    spilled = [cell(position) for position in columns.unheaded] + list(values[columns.width :])
    extra = tuple(value for value in spilled if value.strip())
    return Row(number, cell(columns.name), cell(columns.email), custom, extra)
