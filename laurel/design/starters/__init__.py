"""Starter designs to begin from: certificates (A4 landscape) and badges, as layout JSON."""

from __future__ import annotations

import datetime as dt
import functools
import json
from importlib import resources
from typing import Any

from laurel.design.variables import Values


@functools.cache
def starter_names() -> tuple[str, ...]:
    """Names of the starter designs ('certificate-classic', 'badge-seal', ...)."""
    files = resources.files("laurel.design.starters").iterdir()
    return tuple(sorted(f.name[:-5] for f in files if f.name.endswith(".json")))


def starter(name: str) -> dict[str, Any]:
    """A fresh copy of the layout document of starter `name`; KeyError if there is none."""
    if name not in starter_names():
        raise KeyError(f"no starter design {name!r}")
    text = resources.files("laurel.design.starters").joinpath(f"{name}.json").read_text()
    return json.loads(text)


def sample_values() -> Values:
    """Values a design is previewed with before any credential exists."""
    return Values(
        recipient_name="Alexandra Montgomery-Whitfield",
        group_title="Advanced Data Visualisation",
        code="ADV-301",
        description=(
            "Twelve weeks of study and a final project on the design of clear, honest "
            "charts and dashboards for decision makers."
        ),
        issued_on=dt.date(2026, 3, 14),
        valid_until=dt.date(2029, 3, 14),
        credential_id="x4Qm2Rk9Tz7Lp0Vn8Ya3Wc6Hd1Jf5Ge",
        verification_url="https://credentials.example.org/credential/x4Qm2Rk9Tz7Lp0Vn8Ya3Wc6Hd1Jf5Ge",
        issuer_name="Northbridge Institute of Design",
        custom={},
    )
