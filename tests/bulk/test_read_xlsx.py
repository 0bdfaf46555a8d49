"""Reading an XLSX recipient file, and refusing the ones that are not safe to open."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile

import pytest
from openpyxl import Workbook

from bench.make_recipients import VARIANTS, tricky, xlsx_bytes
from laurel.bulk import errors
from laurel.bulk.reading import read_recipients
from laurel.bulk.workbook import WorkbookLimits
from tests.bulk.conftest import as_read, as_written


def test_ten_thousand_international_rows_read_back_unchanged(people):
    read = read_recipients(VARIANTS["recipients.xlsx"](people), filename="people.xlsx")

    assert read.kind == "xlsx"
    assert as_read(read) == as_written(people)


def test_the_header_may_follow_blank_rows_and_rows_keep_their_sheet_numbers(people):
    data = xlsx_bytes(people[:5], blank_rows_before=3, first_column=3)

    rows = list(read_recipients(data, filename="people.xlsx").rows)

    assert [row.number for row in rows] == [5, 6, 7, 8, 9]  # header on row 4
    assert [(row.name, row.email) for row in rows] == as_written(people[:5])


def test_only_the_first_sheet_is_read():
    workbook = Workbook()
    workbook.active.append(["name", "email"])
    workbook.active.append(["Ada", "ada@example.org"])
    other = workbook.create_sheet("Other")
    other.append(["name", "email"])
    other.append(["Not Read", "no@example.org"])

    assert as_read(read_recipients(_save(workbook), filename="a.xlsx")) == [
        ("Ada", "ada@example.org")
    ]


def test_a_chart_sheet_placed_first_is_passed_over_for_the_first_sheet_of_cells():
    from openpyxl.chart import BarChart, Reference

    workbook = Workbook()
    data = workbook.active
    data.append(["name", "email"])
    data.append(["Ada", "ada@example.org"])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=1, min_row=1, max_row=2))
    workbook.create_chartsheet("Chart", 0).add_chart(chart)

    assert as_read(read_recipients(_save(workbook), filename="a.xlsx")) == [
        ("Ada", "ada@example.org")
    ]


def test_cells_read_as_the_issuer_sees_them():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "custom_score", "custom_date", "custom_flag", "custom_ratio"])
    sheet.append(["Ada", "ada@example.org", 60, datetime.date(2026, 7, 1), True, 1.5])
    fields = ["custom_score", "custom_date", "custom_flag", "custom_ratio"]

    rows = list(read_recipients(_save(workbook), filename="a.xlsx", custom_fields=fields).rows)

    assert rows[0].custom == {
        "custom_score": "60",
        "custom_date": "2026-07-01",
        "custom_flag": "TRUE",
        "custom_ratio": "1.5",
    }


def test_formulas_and_markup_typed_as_text_stay_text():
    written = [person for person in tricky() if person.name[0] in "=+-@<&{R\uff1d"]

    read = read_recipients(xlsx_bytes(written), filename="f.xlsx")

    assert as_read(read) == as_written(written)


def test_a_sheet_without_header_says_so():
    workbook = Workbook()
    workbook.active.append(["Ada", "ada@example.org"])

    with pytest.raises(errors.HeaderError, match="no header row"):
        read_recipients(_save(workbook), filename="a.xlsx")


def test_an_empty_workbook_says_so():
    with pytest.raises(errors.EmptyFile):
        read_recipients(_save(Workbook()), filename="a.xlsx")


# --- Zip bombs and other unsafe archives -------------------------------------------------


def test_a_zip_bomb_declaring_gigabytes_is_refused_from_its_declarations(people):
    data = _declare_size(xlsx_bytes(people[:10]), "xl/worksheets/sheet1.xml", 0xFFFF_FFF0)
    assert len(data) < 20_000

    with pytest.raises(errors.WorkbookRefused, match="would expand to 4,295 MB"):
        read_recipients(data, filename="bomb.xlsx")


def test_a_real_zip_bomb_is_refused_before_it_is_decompressed():
    data = _bomb(megabytes=100)
    assert len(data) < 200_000

    with pytest.raises(errors.WorkbookRefused, match="would expand to 105 MB"):
        read_recipients(data, filename="bomb.xlsx")


def test_an_archive_lying_about_its_sizes_is_refused_as_damaged():
    data = _declare_size(_bomb(megabytes=40), "xl/worksheets/sheet1.xml", 1_000)

    with pytest.raises(errors.WorkbookRefused, match="damaged"):
        read_recipients(data, filename="liar.xlsx")


def test_a_workbook_over_the_file_limit_is_refused(people):
    with pytest.raises(errors.FileTooLarge):
        read_recipients(
            xlsx_bytes(people[:500]),
            filename="a.xlsx",
            workbook_limits=WorkbookLimits(max_file_bytes=10_000),
        )


def test_more_rows_than_the_limit_are_refused(people):
    read = read_recipients(xlsx_bytes(people[:101]), filename="a.xlsx", max_rows=100)

    with pytest.raises(errors.TooManyRows, match="more than 100 recipients"):
        list(read.rows)


def test_a_sheet_far_taller_than_the_limit_is_refused_before_any_row(people):
    with pytest.raises(errors.TooManyRows, match="The first sheet has 1,001 rows"):
        read_recipients(xlsx_bytes(people[:1_000]), filename="a.xlsx", max_rows=100)


@pytest.mark.parametrize(
    "data, says",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "password-protected"),
        (b"name,email\nAda,ada@example.org\n", "not a ZIP archive"),
        (b"PK\x03\x04" + bytes(300), "not a ZIP archive"),
    ],
)
def test_what_is_not_an_xlsx_workbook_is_refused(data, says):
    with pytest.raises(errors.WorkbookRefused, match=says):
        read_recipients(data, filename="a.xlsx")


def test_a_zip_without_a_workbook_inside_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")

    with pytest.raises(errors.WorkbookRefused, match="cannot be read"):
        read_recipients(buffer.getvalue(), filename="a.xlsx")


# --- Helpers -----------------------------------------------------------------------------


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bomb(*, megabytes: int) -> bytes:
    """A workbook whose sheet is ``megabytes`` MB of spaces (about 1,000:1 compressed)."""
    source = io.BytesIO(xlsx_bytes([]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(buffer, "w") as bomb:
        for part in original.infolist():
            if part.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(part, original.read(part))
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with bomb.open(info, "w", force_zip64=True) as sheet:
            chunk = b" " * (1 << 20)
            for _ in range(megabytes):
                sheet.write(chunk)
    return buffer.getvalue()


def _declare_size(data: bytes, member: str, size: int) -> bytes:
    """``data`` with the central directory declaring ``size`` uncompressed bytes for
    ``member`` (the zip64 extra field too, if it has one)."""
    data = bytearray(data)
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, offset + 28)
        name = bytes(data[offset + 46 : offset + 46 + name_length]).decode()
        if name == member:
            declared = struct.unpack_from("<I", data, offset + 24)[0]
            if declared == 0xFFFF_FFFF:  # zip64: the size lives in the extra field
                extra = offset + 46 + name_length
                struct.pack_into("<Q", data, extra + 4, size)
            else:
                struct.pack_into("<I", data, offset + 24, min(size, 0xFFFF_FFFE))
        offset = data.find(b"PK\x01\x02", offset + 46 + name_length + extra_length + comment_length)
    return bytes(data)
