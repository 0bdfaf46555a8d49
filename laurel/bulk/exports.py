"""The CSV files Laurel hands back to an issuer: pure Python, no Django.

Every cell goes through ``csv_safe`` (a value starting like a formula is escaped), files are
UTF-8 with a BOM and CRLF line ends, as Excel reads them without garbling names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from laurel.bulk.rows import CheckedRow, csv_safe_row


def csv_document(table: Iterable[Iterable[object]]) -> bytes:
    """``table`` (rows of cells) as a CSV file every spreadsheet opens safely."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for cells in table:
        writer.writerow(csv_safe_row(cells))
    return buffer.getvalue().encode("utf-8-sig")


def failed_rows_csv(rows: Iterable[CheckedRow], custom_fields: Sequence[str] = ()) -> bytes:
    """The rows that cannot be issued, to fix and upload again: the columns of a recipient
    file (name, email, the custom fields), then the row number in the original file and
    the reason. The two last columns are reported and ignored when it comes back."""
    header = ["name", "email", *custom_fields, "row", "reason"]

    def lines():
        yield header
        for row in rows:
            if not row.valid:
                custom = [row.custom.get(field, "") for field in custom_fields]
                yield [row.name, row.email, *custom, row.number, row.reason]

    return csv_document(lines())
