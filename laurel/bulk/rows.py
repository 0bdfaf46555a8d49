"""Check each recipient row of a bulk file before anything is issued: pure, no Django.

What a row may hold is the domain's rule, not this module's: the length limits come from
the Credential model's columns and the email check from the issue path's own validator
(``laurel.bulk.domain.row_rules`` gathers them), control characters are those the standards
library refuses to sign, and emails compare as the recipient check compares them. What is
bulk's own is the file: a duplicate of an earlier row, a custom column the group lacks, a
value that spilled past the header's last column.

A cell starting with ``=``, ``+``, ``-`` or ``@`` is a name like any other here (nothing
evaluates it); ``csv_safe`` escapes it in every CSV Laurel writes, so that a spreadsheet
opening that CSV does not run it as a formula, and ``clean`` undoes that escape when such a
file (the failed rows, fixed) is uploaded again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from laurel.bulk.reading import Row
from laurel.credentials.rules import normalize_email
from laurel.vc.text import CONTROL_CHARACTERS, code_point

# Problem codes, one per reason a row is invalid.
MISSING_NAME = "missing_name"
MISSING_EMAIL = "missing_email"
MALFORMED_EMAIL = "malformed_email"
DUPLICATE = "duplicate"
UNKNOWN_CUSTOM_FIELD = "unknown_custom_field"
TOO_LONG = "too_long"
CONTROL_CHARACTER = "control_character"
EXTRA_CELLS = "extra_cells"


@dataclass(frozen=True)
class RowRules:
    """What a row must satisfy. ``email_is_valid`` is the issue path's own check."""

    email_is_valid: Callable[[str], bool]
    name_max_length: int
    email_max_length: int
    custom_fields: tuple[str, ...] = ()
    custom_max_length: int | None = None  # the domain sets none today


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


@dataclass(frozen=True)
class CheckedRow:
    """A row with its values trimmed, and why it cannot be issued (nothing if it can)."""

    number: int
    name: str
    email: str
    custom: dict[str, str] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    duplicate_of: int | None = None

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        return " ".join(problem.message for problem in self.problems)


def check_rows(rows: Iterable[Row], rules: RowRules) -> Iterator[CheckedRow]:
    """Each row checked, in order; streams (remembers only the emails seen so far)."""
    first_row: dict[str, int] = {}
    for row in rows:
        checked = check_row(row, rules)
        if checked.valid:
            key = normalize_email(checked.email)
            earlier = first_row.setdefault(key, row.number)
            if earlier != row.number:
                checked = _duplicate(checked, earlier)
        yield checked


def check_row(row: Row, rules: RowRules) -> CheckedRow:
    """One row on its own (without the duplicate check, which needs the rows before it)."""
    name, email = clean(row.name), clean(row.email)
    custom = {key: clean(value) for key, value in row.custom.items() if clean(value)}
    problems = [
        *_name_problems(name, rules),
        *_email_problems(email, rules),
        *_custom_problems(custom, rules),
    ]
    if row.extra_cells:
        problems.append(
            Problem(
                EXTRA_CELLS,
                f"The row has values under no column heading "
                f"({', '.join(map(repr, row.extra_cells))[:80]}): a value holding the "
                "delimiter must be in double quotes.",
            )
        )
    known = {key: value for key, value in custom.items() if key in rules.custom_fields}
    return CheckedRow(row.number, name, email, known, tuple(problems))


def clean(value: str) -> str:
    """A cell as the recipient's value: trimmed, and without the ``'`` that ``csv_safe``
    put before a formula-like start, so a CSV Laurel wrote reads back as it was."""
    value = value.strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _name_problems(name: str, rules: RowRules) -> list[Problem]:
    if not name:
        return [Problem(MISSING_NAME, "The name is missing.")]
    return _text_problems("The name", name, rules.name_max_length)


def _email_problems(email: str, rules: RowRules) -> list[Problem]:
    if not email:
        return [Problem(MISSING_EMAIL, "The email address is missing.")]
    problems = _text_problems("The email address", email, rules.email_max_length)
    if not problems and not rules.email_is_valid(email):
        problems.append(Problem(MALFORMED_EMAIL, f"{email[:80]!r} is not an email address."))
    return problems


def _custom_problems(custom: dict[str, str], rules: RowRules) -> list[Problem]:
    problems = []
    for key, value in custom.items():
        if key not in rules.custom_fields:
            known = ", ".join(rules.custom_fields) or "none"
            problems.append(
                Problem(
                    UNKNOWN_CUSTOM_FIELD,
                    f"{key} is not a custom field of this group (its custom fields: {known}).",
                )
            )
        else:
            problems.extend(_text_problems(key, value, rules.custom_max_length))
    return problems


def _text_problems(label: str, value: str, max_length: int | None) -> list[Problem]:
    problems = []
    if max_length is not None and len(value) > max_length:
        problems.append(
            Problem(TOO_LONG, f"{label} is longer than {max_length} characters ({len(value)}).")
        )
    found = CONTROL_CHARACTERS.search(value)
    if found is not None:
        problems.append(
            Problem(
                CONTROL_CHARACTER,
                f"{label} contains a control character ({code_point(found.group())}).",
            )
        )
    return problems


def _duplicate(row: CheckedRow, earlier: int) -> CheckedRow:
    problem = Problem(DUPLICATE, f"Duplicate of row {earlier}: the same email address.")
    return CheckedRow(row.number, row.name, row.email, row.custom, (problem,), earlier)


# --- Writing CSV -------------------------------------------------------------------------

# What a spreadsheet takes for the start of a formula (OWASP "CSV Injection"), with the
# full-width forms some versions of Excel also accept.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_safe(value: object) -> str:
    """``value`` as a CSV cell no spreadsheet will evaluate: a leading ``'`` when it starts
    like a formula, so the spreadsheet takes the cell for text (``clean`` drops it again when
    the file comes back)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_safe_row(values: Iterable[object]) -> list[str]:
    """Every cell of a row through ``csv_safe``, for ``csv.writer.writerow``."""
    return [csv_safe(value) for value in values]
