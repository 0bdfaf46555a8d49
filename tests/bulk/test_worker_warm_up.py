"""A bulk worker warms up before any job (laurel.bulk.processing.warm_up): what its first
batch would otherwise make in the job's time is made when the worker starts."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
import django
django.setup()
from django.core.validators import validate_email
from django.utils.functional import empty
from laurel.bulk.processing import warm_up

patterns = (validate_email.user_regex, validate_email.domain_regex)
print(all(pattern._wrapped is empty for pattern in patterns))
warm_up()
print(all(pattern._wrapped is not empty for pattern in patterns))
"""


def test_warm_up_compiles_the_email_patterns_a_first_batch_would():
    # In a fresh process: in this one, earlier tests compiled them already.
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    assert probe.stdout.split() == ["True", "True"], probe.stdout + probe.stderr
