"""`laurel serve` says at start which fonts (and FriBidi) certificates would miss."""

import os
import subprocess
import sys

from laurel.ops.management.commands.serve import missing_fonts_report

SCRIPT = (
    "from laurel.ops.management.commands.serve import missing_fonts_report as report; "
    "print(report())"
)


def test_nothing_is_reported_when_every_font_is_installed():
    assert missing_fonts_report() is None


def test_without_fontconfig_every_face_is_reported_with_its_package(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no fc-list to find any font with
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("Warning:") and "font(s) that certificates are drawn with" in out
    assert "apt-get install fonts-noto-core" in out and "apt-get install fonts-noto-cjk" in out
