"""The first sheet of an XLSX workbook as rows of text, read by calamine (Rust) after the
archive has been checked not to expand past the limits.

An XLSX file is a ZIP archive. Its central directory declares each part's size, so a zip
bomb (a few kB that would expand to gigabytes) is refused from those declarations alone,
before anything is decompressed; the parts are then read through once, bounded by their
declared sizes and checked by CRC, so an archive that lies about them is refused too.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from laurel.bulk.errors import TooManyRows, WorkbookRefused

OLE2 = b"\xd0\xcf\x11\xe0"  # a password-protected XLSX, or an Excel 97–2003 .xls
CHUNK = 1 << 20


@dataclass(frozen=True)
class WorkbookLimits:
    max_file_bytes: int = 10_000_000
    max_uncompressed_bytes: int = 30_000_000  # a 10,000-row sheet with many columns is ~5 MB
    max_parts: int = 1_000
    max_rows: int = 10_000
    max_columns: int = 200


def workbook_rows(data: bytes, limits: WorkbookLimits) -> Iterator[tuple[int, list[str]]]:
    """(row number as Excel shows it, cells as text) for each row of the first sheet,
    blank rows before the header included; WorkbookRefused if it cannot be read safely."""
    check_archive(data, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_name(_first_worksheet(workbook))
    except (CalamineError, ValueError, OSError) as error:
        raise WorkbookRefused(
            f"This workbook cannot be read ({_short(error)}). Open it in Excel and save it "
            "again as an Excel Workbook (.xlsx), or as CSV UTF-8."
        ) from None
    # Blank rows inside the sheet are skipped later, so a sheet taller than the limit with
    # its header and a generous margin of blank rows cannot hold fewer rows than the limit.
    if sheet.height > 2 * limits.max_rows + 100:
        raise TooManyRows(
            f"The first sheet has {sheet.height:,} rows, more than the {limits.max_rows:,} "
            "recipients one file may hold. Split it into smaller files."
        )
    if sheet.width > limits.max_columns:
        raise WorkbookRefused(
            f"The first sheet has {sheet.width:,} columns; a recipient file has at most "
            f"{limits.max_columns}."
        )
    return (
        (index + 1, [cell_text(cell) for cell in row])
        for index, row in enumerate(sheet.iter_rows())
    )


def _first_worksheet(workbook: CalamineWorkbook) -> str:
    # The first sheet of cells: a chart sheet placed first has no rows to read.
    for sheet in workbook.sheets_metadata:
        if sheet.typ == SheetTypeEnum.WorkSheet:
            return sheet.name
    raise WorkbookRefused("This workbook has no sheet of cells to read recipients from.")


def check_archive(data: bytes, limits: WorkbookLimits) -> None:
    """Refuse what is not an XLSX archive, or would expand past the limits."""
    if data.startswith(OLE2):
        raise WorkbookRefused(
            "This is a password-protected workbook or an Excel 97–2003 file (.xls). Remove "
            "the password, or save it as an Excel Workbook (.xlsx) or as CSV UTF-8."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise WorkbookRefused(
            "This file is not an XLSX workbook (it is not a ZIP archive). Save the sheet as an "
            "Excel Workbook (.xlsx) or as CSV UTF-8."
        ) from None
    with archive:
        parts = archive.infolist()
        declared = sum(part.file_size for part in parts)
        if len(parts) > limits.max_parts or declared > limits.max_uncompressed_bytes:
            raise WorkbookRefused(_too_big(declared, limits))
        if any(part.flag_bits & 0x1 for part in parts):
            raise WorkbookRefused(
                "This workbook is encrypted: remove its password and save it again."
            )
        for part in parts:
            _read_through(archive, part, limits)


def _read_through(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: WorkbookLimits) -> None:
    # zipfile stops at the declared size and checks the CRC at the end, so a part that
    # expands past what it declared fails here instead of inside the XML parser.
    try:
        with archive.open(part) as stream:
            while stream.read(CHUNK):
                pass
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as error:
        raise WorkbookRefused(
            f"This workbook is damaged ({_short(error)}). Open it in Excel and save it again."
        ) from None
    except RuntimeError as error:  # zipfile's "encrypted, password required"
        raise WorkbookRefused(f"This workbook cannot be opened ({_short(error)}).") from None


def _too_big(declared: int, limits: WorkbookLimits) -> str:
    return (
        f"This workbook would expand to {declared / 1_000_000:,.0f} MB, past the "
        f"{limits.max_uncompressed_bytes / 1_000_000:g} MB a recipient file may hold, so it was "
        "not opened. Keep only the recipients' sheet, or save it as CSV UTF-8."
    )


def _short(error: Exception) -> str:
    return str(error).splitlines()[0][:120] if str(error) else type(error).__name__


def cell_text(value: object) -> str:
    """A cell as the issuer sees it: 60 not 60.0, a date as 2026-07-01, TRUE not True."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return (
            value.isoformat(sep=" ")
            if value.time() != datetime.time()
            else value.date().isoformat()
        )
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)
