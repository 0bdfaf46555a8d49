"""Property: whatever names and emails a spreadsheet writes (CSV or XLSX), Laurel reads back."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.make_recipients import Recipient, csv_bytes, xlsx_bytes
from laurel.bulk.reading import read_recipients

# Any text a cell can hold: every plane, quotes, delimiters, line breaks, combining marks,
# right-to-left marks; not NUL (a file with NUL bytes is binary) nor lone surrogates.
cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
# A row whose cells are all blank is a blank line to every reader: skipped, not a recipient.
people = st.lists(
    st.builds(Recipient, cell_text, cell_text).filter(
        lambda person: person.name.strip() or person.email.strip()
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    written=people,
    delimiter=st.sampled_from([",", ";", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-bom", "utf-16"]),
    header_case=st.sampled_from(["lower", "title"]),
)
def test_any_names_and_emails_written_as_csv_read_back_identically(
    written, delimiter, line_end, encoding, header_case
):
    data = csv_bytes(
        written,
        delimiter=delimiter,
        line_end=line_end,
        bom=encoding == "utf-8-bom",
        encoding="utf-8" if encoding == "utf-8-bom" else encoding,
        header_case=header_case,
    )

    read = read_recipients(data, filename="people.csv")

    assert read.delimiter == delimiter
    assert [(row.name, row.email) for row in read.rows] == [
        (person.name, person.email) for person in written
    ]


# XML holds no U+FFFE/U+FFFF; "_x0041_" is how XLSX escapes a character, so text holding
# such a sequence would need Excel's own escaping of it ("_x005F_x0041_") to survive.
sheet_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"),
    max_size=30,
).filter(lambda text: "_x" not in text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    written=st.lists(
        st.builds(Recipient, sheet_text, sheet_text).filter(
            lambda person: person.name.strip() or person.email.strip()
        ),
        max_size=10,
    ),
    blank_rows=st.integers(min_value=0, max_value=3),
)
def test_any_names_and_emails_written_as_xlsx_read_back_identically(written, blank_rows):
    read = read_recipients(xlsx_bytes(written, blank_rows_before=blank_rows), filename="a.xlsx")

    assert [(row.name, row.email) for row in read.rows] == [
        (person.name, person.email) for person in written
    ]
