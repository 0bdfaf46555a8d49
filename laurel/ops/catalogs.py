"""Write the translation catalogs back as Babel writes them (`make messages`).

`makemessages` merges with GNU gettext, which wraps long strings its own way; the
catalogs are kept in Babel's layout (Babel compiles them: `make catalogs`), so after a
merge each is read and written again by Babel, wrapped at gettext's 79 columns. A merge
then changes only what changed: new strings, locations, the creation date.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent.parent / "locale"
WIDTH = 79


def rewrapped(po: bytes) -> bytes:
    """The catalog `po` as Babel writes it."""
    written = io.BytesIO()
    write_po(written, read_po(io.BytesIO(po)), width=WIDTH)
    return written.getvalue()


def main() -> None:
    for path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        path.write_bytes(rewrapped(path.read_bytes()))


if __name__ == "__main__":
    main()
