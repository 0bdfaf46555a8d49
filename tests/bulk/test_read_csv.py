"""Reading a CSV recipient file: every encoding, delimiter and line end spreadsheets write."""

from __future__ import annotations

import os

import pytest

from bench.make_recipients import VARIANTS, Recipient, csv_bytes, recipients, tricky
from laurel.bulk import errors
from laurel.bulk.reading import read_recipients
from tests.bulk.conftest import as_read, as_written


@pytest.mark.parametrize("variant", [name for name in VARIANTS if name.endswith(".csv")])
def test_every_csv_variant_reads_back_every_name_unchanged(people, variant):
    data = VARIANTS[variant](people)

    read = read_recipients(data, filename=variant)

    assert as_read(read) == as_written(people)


def test_excel_utf8_with_bom_and_crlf_and_title_case_header(people):
    data = VARIANTS["excel-bom-crlf.csv"](people[:50])
    assert data.startswith(b"\xef\xbb\xbfName,Email\r\n")

    read = read_recipients(data, filename="export.csv")

    assert read.encoding == "utf-8-sig"
    assert read.columns == ("Name", "Email")
    assert as_read(read) == as_written(people[:50])


def test_semicolons_are_sniffed_from_the_header_not_from_the_names():
    people = [
        Recipient("Smith, John", "john@example.com"),
        Recipient("Ana, Maria", "a@example.org"),
    ]
    data = csv_bytes(people, delimiter=";")

    read = read_recipients(data, filename="european.csv")

    assert read.delimiter == ";"
    assert as_read(read) == as_written(people)


def test_utf16_unicode_text_from_excel(people):
    data = csv_bytes(people[:300], delimiter="\t", line_end="\r\n", encoding="utf-16")
    assert data[:2] == b"\xff\xfe"

    read = read_recipients(data, filename="unicode.txt")

    assert (read.encoding, read.delimiter) == ("utf-16", "\t")
    assert as_read(read) == as_written(people[:300])


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00")],
)
def test_utf16_and_utf32_are_read_by_their_byte_order_mark(people, encoding, bom):
    text = csv_bytes(people[:100]).decode()

    read = read_recipients(bom + text.encode(encoding), filename="a.csv")

    assert as_read(read) == as_written(people[:100])


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
@pytest.mark.parametrize("count", [30, 2_000])
def test_a_name_from_a_legacy_file_is_the_same_string_as_from_utf8(encoding, count):
    people = recipients(count, seed=7, scripts=["western" if encoding == "cp1252" else "latin_1"])
    assert sum(not person.name.isascii() for person in people) > count / 3

    from_legacy = as_read(read_recipients(csv_bytes(people, encoding=encoding), filename="a.csv"))
    from_utf8 = as_read(read_recipients(csv_bytes(people), filename="a.csv"))

    assert from_legacy == from_utf8 == as_written(people)


@pytest.mark.parametrize("seed", range(40))
def test_a_short_legacy_file_is_read_right_or_refused_never_garbled(seed):
    people = recipients(1 + seed % 6, seed=seed, scripts=["western"])
    data = csv_bytes(people, encoding="cp1252")

    try:
        read = read_recipients(data, filename="short.csv")
    except errors.UnknownEncoding as refused:
        assert "CSV UTF-8" in str(refused)
    else:
        assert as_read(read) == as_written(people)


@pytest.mark.parametrize(
    "encoding, names",
    [
        ("cp1250", ["Tomáš Dvořák", "Jiří Čapek", "Šárka Nováková", "Petr Růžička"]),
        ("cp1250", ["Łukasz Żółć", "Świątek Ćwik", "Paweł Jasiński"]),
        ("cp1250", ["Erdős Pál", "Kőműves Kelemen", "Szűcs Anna"]),
        ("cp1252", ["Søren Østergård"]),
        ("cp1252", ["Anders Ångström"]),
        ("cp1252", ["Maria da Conceição"]),
    ],
)
def test_a_legacy_file_is_read_in_the_code_page_its_words_spell(encoding, names):
    people = [Recipient(name, f"r{number}@example.org") for number, name in enumerate(names)]

    read = read_recipients(csv_bytes(people, encoding=encoding), filename="a.csv")

    assert read.encoding == encoding
    assert as_read(read) == as_written(people)


@pytest.mark.parametrize(
    "script, encoding",
    [("cyrillic", "cp1251"), ("greek", "cp1253"), ("hebrew", "cp1255"), ("arabic", "cp1256")],
)
def test_other_windows_code_pages_are_read_from_a_class_list(script, encoding):
    people = recipients(30, seed=5, scripts=[script])

    read = read_recipients(csv_bytes(people, encoding=encoding), filename="a.csv")

    assert read.encoding == encoding
    assert as_read(read) == as_written(people)


@pytest.mark.parametrize(
    "encoding, name",
    [
        ("cp1252", "Hélène Lefèvre"),  # also "Hélčne Lefčvre" in Windows-1250
        ("cp1254", "Ayşe Doğan"),  # also "Ayþe Doðan" in Windows-1252
        ("cp932", "佐藤 花子"),  # also valid Korean and Chinese
    ],
)
def test_a_legacy_file_that_reads_as_two_languages_is_refused_with_how_to_save_utf8(encoding, name):
    data = csv_bytes([Recipient(name, "a@example.org")], encoding=encoding)

    with pytest.raises(errors.UnknownEncoding) as refused:
        read_recipients(data, filename="a.csv")

    assert "CSV UTF-8" in str(refused.value)
    assert "will not guess" in str(refused.value)


def test_quoted_newlines_commas_and_quotes_read_back(people):
    written = tricky()

    read = read_recipients(csv_bytes(written, line_end="\r\n"), filename="tricky.csv")

    assert as_read(read) == as_written(written)


def test_a_row_is_numbered_by_the_line_it_starts_on():
    data = (
        b'name,email\r\nAda,a@example.org\r\n"Line One\nLine Two",b@example.org\r\n'
        b'"Three\r\nlines\rhere",c@example.org\r\nDee,d@example.org\r\n'
    )

    rows = list(read_recipients(data, filename="a.csv").rows)

    assert [(row.number, row.name) for row in rows] == [
        (2, "Ada"),
        (3, "Line One\nLine Two"),
        (5, "Three\r\nlines\rhere"),
        (8, "Dee"),
    ]


def test_formulas_and_markup_are_kept_as_the_text_written():
    people = [p for p in tricky() if p.name[0] in "=+-@\uff1d<&{R"]
    assert len(people) >= 10

    read = read_recipients(csv_bytes(people), filename="f.csv")

    assert as_read(read) == as_written(people)


def test_header_is_case_insensitive_in_any_order_with_custom_and_unknown_columns():
    data = b"Phone,EMAIL,custom_Score,Name,custom_nope\n555,ada@example.org,99,Ada,x\n"

    read = read_recipients(data, filename="a.csv", custom_fields=["custom_score"])
    rows = list(read.rows)

    assert read.custom_columns == ("custom_score", "custom_nope")
    assert read.unknown_columns == ("Phone", "custom_nope")
    assert rows[0].name == "Ada" and rows[0].email == "ada@example.org"
    assert rows[0].custom == {"custom_score": "99", "custom_nope": "x"}


def test_blank_lines_and_excel_sep_line_are_skipped_and_numbers_stay_physical():
    data = b"sep=;\r\n\r\nname;email\r\n\r\nAda;ada@example.org\r\n;\r\nBob;bob@example.org\r\n"

    rows = list(read_recipients(data, filename="a.csv").rows)

    assert [(row.number, row.name) for row in rows] == [(5, "Ada"), (7, "Bob")]


def test_cr_line_ends_count_as_lines():
    rows = list(
        read_recipients(
            b"name,email\rAda,a@example.org\r\rBob,b@example.org", filename="m.csv"
        ).rows
    )

    assert [(row.number, row.name) for row in rows] == [(2, "Ada"), (4, "Bob")]


def test_cells_past_the_header_are_kept_so_the_row_can_be_refused():
    rows = list(read_recipients(b"email,name\na@example.org,Smith, John,\n", filename="a.csv").rows)

    assert rows[0].name == "Smith"
    assert rows[0].extra_cells == (" John",)


def test_cells_under_a_blank_heading_are_kept_so_the_row_can_be_refused():
    data = b"email,name,,\na@example.org,Smith, John,\nb@example.org,Bob,,\n"

    rows = list(read_recipients(data, filename="a.csv").rows)

    assert [row.extra_cells for row in rows] == [(" John",), ()]


# --- Refused files ------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_without_reading_it_all(people):
    data = csv_bytes(people)
    assert len(data) > 100_000

    with pytest.raises(errors.FileTooLarge) as refused:
        read_recipients(data, filename="big.csv", max_csv_bytes=100_000)

    assert "100 kB" in str(refused.value)
    assert refused.value.http_status == 413


def test_the_default_limit_is_one_megabyte():
    data = b"name,email\n" + b"Ada,ada@example.org\n" * 60_000

    with pytest.raises(errors.FileTooLarge, match="1 MB"):
        read_recipients(data, filename="big.csv")


@pytest.mark.parametrize(
    "data, says",
    [
        (b"\x89PNG\r\n\x1a\n" + os.urandom(200), "PNG image"),
        (b"%PDF-1.7\n" + os.urandom(200), "PDF"),
        (b"PK\x03\x04" + os.urandom(200), "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "97"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_a_binary_file_renamed_csv_is_refused_saying_what_it_is(data, says):
    with pytest.raises(errors.UnsupportedFile) as refused:
        read_recipients(data, filename="recipients.csv")

    assert says in str(refused.value)


def test_a_file_without_header_says_so():
    with pytest.raises(errors.HeaderError, match="no header row: row 1 already holds a recipient"):
        read_recipients(b"Ada,ada@example.org\nBob,bob@example.org\n", filename="a.csv")


def test_a_header_without_email_lists_what_it_has():
    with pytest.raises(
        errors.HeaderError, match="must have the columns name and email; it has “Name”, “Mail”"
    ):
        read_recipients(b"Name,Mail\nAda,ada@example.org\n", filename="a.csv")


def test_a_column_named_twice_is_refused():
    with pytest.raises(errors.HeaderError, match="two “Email” columns"):
        read_recipients(b"name,email,Email\nAda,a@example.org,b@example.org\n", filename="a.csv")


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_says_so(data):
    with pytest.raises(errors.EmptyFile):
        read_recipients(data, filename="a.csv")


def test_a_quote_never_closed_names_its_line_instead_of_swallowing_the_rest():
    data = b'name,email\nAda,a@example.org\n"Bob,b@example.org\nCy,c@example.org\n'

    with pytest.raises(errors.MalformedCsv, match="Line 3 .* never closed"):
        list(read_recipients(data, filename="a.csv").rows)


def test_a_bom_that_lies_is_refused_not_garbled():
    with pytest.raises(errors.UnknownEncoding, match="UTF-8"):
        read_recipients(b"\xef\xbb\xbfname,email\nJos\xe9,j@example.org\n", filename="a.csv")


def test_more_rows_than_the_limit_are_refused(people):
    read = read_recipients(csv_bytes(people[:101]), filename="a.csv", max_rows=100)

    with pytest.raises(errors.TooManyRows, match="more than 100 recipients"):
        list(read.rows)


@pytest.mark.parametrize("filename", ["list.xls", "list.pdf", "list.numbers", "list.ods"])
def test_other_file_kinds_are_refused_by_name(filename):
    with pytest.raises(errors.UnsupportedFile, match=r"\.csv and \.xlsx"):
        read_recipients(b"name,email\n", filename=filename)


def test_rows_stream_from_a_path_and_from_a_file_object(tmp_path, people):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(people[:20]))

    assert as_read(read_recipients(path)) == as_written(people[:20])
    with path.open("rb") as handle:
        assert as_read(read_recipients(handle, filename="people.csv")) == as_written(people[:20])


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_rows_of_empty_cells_above_the_header_do_not_mislead_the_delimiter(delimiter):
    blank = delimiter * 3
    data = f"{blank}\r\n{blank}\r\nname{delimiter}email\r\nAda{delimiter}a@example.org\r\n"

    read = read_recipients(data.encode(), filename="a.csv")

    assert read.delimiter == delimiter
    assert [(row.number, row.name) for row in read.rows] == [(4, "Ada")]


def test_an_uploaded_file_is_named_by_its_own_name(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("Class of 2026.XLSX", VARIANTS["recipients.xlsx"](people[:5]))

    read = read_recipients(upload)

    assert read.kind == "xlsx"
    assert as_read(read) == as_written(people[:5])
