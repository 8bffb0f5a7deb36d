"""No service imports another service: they share only `shared/` and talk through events."""

import ast
from pathlib import Path

SERVICES_DIR = Path(__file__).resolve().parents[2] / "services"
SERVICES = sorted(p.name for p in SERVICES_DIR.iterdir() if (p / "__init__.py").exists())


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_there_are_three_services():
    assert SERVICES == ["appreciation", "notifications", "recruitment"]


def test_no_service_imports_another_service():
    offences = []
    for service in SERVICES:
        others = [s for s in SERVICES if s != service]
        for path in (SERVICES_DIR / service).rglob("*.py"):
            for module in imported_modules(path):
                parts = module.split(".")
                if (parts[0] == "services" and len(parts) > 1 and parts[1] in others) or (parts[0] in others):
                    offences.append(f"{path.relative_to(SERVICES_DIR)} imports {module}")
    assert offences == []


def test_shared_imports_no_service():
    shared = SERVICES_DIR.parent / "shared"
    offences = [
        f"{p.name} imports {m}"
        for p in shared.rglob("*.py")
        for m in imported_modules(p)
        if m.split(".")[0] == "services"
    ]
    assert offences == []


def test_the_checker_would_notice_a_cross_service_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from services.appreciation.models import DiscountPartner\n")
    assert "services.appreciation.models" in imported_modules(bad)
