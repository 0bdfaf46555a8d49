"""The `laurel` command.

`laurel verify` needs no database and runs without Django; every other subcommand is a
Django management command (`laurel migrate`, `laurel worker`, `laurel serve`, ...).
`migrate`, `serve` and `run` first make the data directory and the secrets it lacks
(laurel.ops.data_dir): the settings only read them.
"""

from __future__ import annotations

import os
import sys

from laurel.ops import data_dir


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "verify":
        from laurel.vc.cli import verify_main

        return verify_main(argv[1:])
    if argv and argv[0] in data_dir.PREPARING_COMMANDS:
        data_dir.prepare()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["laurel", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
