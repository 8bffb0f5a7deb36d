"""Every service's domain rules load without the web, task or database machinery."""

import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["recruitment", "appreciation", "notifications"]


def domain_modules() -> list[str]:
    """Each service's `domain`, a package (with its modules) or a plain module."""
    found = []
    for service in SERVICES:
        domain = import_module(f"services.{service}.domain")
        found.append(domain.__name__)
        if hasattr(domain, "__path__"):
            found += [f"{domain.__name__}.{m.name}" for m in pkgutil.iter_modules(domain.__path__)]
    return found


@pytest.mark.parametrize("module", domain_modules())
def test_a_domain_module_imports_neither_flask_celery_nor_sqlalchemy(module):
    probe = (
        f"import sys, {module}; "
        "print(sorted(m for m in ('flask', 'celery', 'sqlalchemy') if m in sys.modules))"
    )
    command = [sys.executable, "-c", probe]
    loaded = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
