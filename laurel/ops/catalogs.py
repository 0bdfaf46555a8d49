"""Write the translation catalogs back as Babel writes them (`make messages`).

`makemessages` merges with GNU gettext, which wraps long strings its own way; the
catalogs are kept in Babel's layout (Babel compiles them: `make catalogs`), so after a
merge each is read and written again by Babel, wrapped at gettext's 79 columns. A merge
then changes only what changed: new strings, locations, the creation date.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent.parent / "locale"
WIDTH = 79


def rewrapped(po: bytes) -> bytes:
    """The catalog `po` as Babel writes it."""
    written = io.BytesIO()
    write_po(written, read_po(io.BytesIO(po)), width=WIDTH)
    return written.getvalue()


def rewrap(path: Path) -> None:
    path.write_bytes(rewrapped(path.read_bytes()))


def main(paths: list[str]) -> None:
    for path in [Path(p) for p in paths] or sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        rewrap(path)


if __name__ == "__main__":
    main(sys.argv[1:])
