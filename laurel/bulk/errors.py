"""Why a recipient file could not be read: a snake_case code and a sentence a person understands.

Shaped like the domain's errors (``code``, ``http_status``, ``str(error)``), so a front door
maps them the same way; kept here because ``laurel.bulk``'s readers import nothing from Django.
"""

from __future__ import annotations

SAVE_AS_CSV_UTF8 = (
    "In Excel choose File → Save As → “CSV UTF-8 (Comma delimited) (*.csv)”; in LibreOffice "
    "tick “Edit filter settings” when saving and pick “Unicode (UTF-8)”; in Google Sheets "
    "choose File → Download → Comma-separated values."
)


class RecipientFileError(Exception):
    """The file as a whole cannot be read; ``str(error)`` says why and what to do."""

    code = "unreadable_file"
    http_status = 400

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict:
        return {"success": False, "error": self.message, "error_code": self.code}


class EmptyFile(RecipientFileError):
    code = "empty_file"


class FileTooLarge(RecipientFileError):
    code = "file_too_large"
    http_status = 413


class TooManyRows(RecipientFileError):
    code = "too_many_rows"
    http_status = 413


class UnsupportedFile(RecipientFileError):
    """Not a CSV text file or an XLSX workbook (a binary renamed .csv, an .xls, a PDF…)."""

    code = "unsupported_file"


class MalformedCsv(RecipientFileError):
    """A quote opened and never closed, or a value too long for a cell."""

    code = "malformed_csv"


class UnknownEncoding(RecipientFileError):
    """The characters' encoding cannot be told for sure: refused rather than garbled."""

    code = "unknown_encoding"


class WorkbookRefused(RecipientFileError):
    """A workbook that is damaged, encrypted, or would expand past the limits (a zip bomb)."""

    code = "workbook_refused"


class HeaderError(RecipientFileError):
    """No header row with ``name`` and ``email``, or a column named twice."""

    code = "missing_header"
