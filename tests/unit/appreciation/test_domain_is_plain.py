"""Appreciation's domain rules load without the web, task or database machinery."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# access.py judges a shared.auth Principal, which still lives beside Flask's decorators (issue 17
# splits shared/auth.py); every other domain module is plain.
PLAIN = ["errors", "clock", "passes", "offers", "gatherings"]


@pytest.mark.parametrize("module", PLAIN)
def test_a_domain_module_imports_neither_flask_celery_nor_sqlalchemy(module):
    probe = (
        f"import sys, services.appreciation.domain.{module}; "
        "print(sorted(m for m in ('flask', 'celery', 'sqlalchemy') if m in sys.modules))"
    )
    command = [sys.executable, "-c", probe]
    loaded = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
