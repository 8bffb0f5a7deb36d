"""The layout rules that can be checked: services share only `shared/`, no import cycles, short modules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = ROOT / "services"
SERVICES = sorted(p.name for p in SERVICES_DIR.iterdir() if (p / "__init__.py").exists())
PROJECT_PACKAGES = ("services", "shared")
CODE_PACKAGES = ("services", "shared", "deploy")
MAX_LINES = 400


def imported_modules(path: Path) -> set[str]:
    """Every absolute import in the file, wherever it stands (a function's too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def is_migration(path: Path) -> bool:
    return "migrations" in path.parts


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root: Path, packages: tuple[str, ...] = PROJECT_PACKAGES) -> dict[str, Path]:
    """The project's importable modules by dotted name, migrations left out."""
    return {
        module_name(path, root): path
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
        if not is_migration(path.relative_to(root))
    }


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(body: list[ast.stmt], into_functions: bool):
    """The statements run when the module is imported (with `into_functions`, also those run when
    its functions are called); never those under `if TYPE_CHECKING`."""
    for node in body:
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not into_functions:
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _statements(node.orelse, into_functions)
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            yield from _statements(getattr(node, field, []), into_functions)


def _absolute(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    package = name.split(".") if is_package else name.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of `name` that is a project module (`a.b.Class` is `a.b`)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules:
            return ".".join(parts[:end])
    return None


def import_graph(modules: dict[str, Path], deferred: bool = False) -> dict[str, set[str]]:
    """Which project modules each module imports when it is imported (`deferred`: or later, from
    inside a function)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in _statements(ast.parse(path.read_text(), filename=str(path)).body, deferred):
            if isinstance(node, ast.Import):
                targets.update(filter(None, (_known(alias.name, modules) for alias in node.names)))
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(node, name, is_package)
                for alias in node.names:
                    # `from package import module` imports the module; `from module import name` the module.
                    targets.add(_known(f"{source}.{alias.name}", modules) or _known(source, modules) or "")
        graph[name] = targets - {"", name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def long_modules(root: Path, limit: int = MAX_LINES) -> list[str]:
    return [
        f"{path.relative_to(root)}: {lines} lines"
        for path in project_modules(root, CODE_PACKAGES).values()
        if (lines := len(path.read_text().splitlines())) > limit
    ]


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


# --- the rules, on the project ---------------------------------------------------------------


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
    shared = ROOT / "shared"
    offences = [
        f"{p.name} imports {m}"
        for p in shared.rglob("*.py")
        for m in imported_modules(p)
        if m.split(".")[0] == "services"
    ]
    assert offences == []


def test_no_import_cycles_among_the_projects_modules():
    assert cycles(import_graph(project_modules(ROOT))) == []


def test_no_import_deferred_into_a_function_closes_a_cycle():
    # An import moved into a function keeps Python from failing at start-up, but the two modules
    # still need each other: that is the cycle to break, not to hide.
    assert cycles(import_graph(project_modules(ROOT), deferred=True)) == []


def test_no_module_is_over_400_lines_outside_migrations():
    assert long_modules(ROOT) == []


# --- the checkers notice what they should ----------------------------------------------------


def test_the_checker_would_notice_a_cross_service_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from services.appreciation.models import DiscountPartner\n")
    assert "services.appreciation.models" in imported_modules(bad)


def test_a_cycle_through_relative_and_package_imports_is_found(tmp_path):
    root = write(
        tmp_path,
        {
            "shared/__init__.py": "",
            "shared/db.py": "from .messaging import outbox\n",
            "shared/messaging/__init__.py": "",
            "shared/messaging/outbox.py": "from shared.db import Base\n",
        },
    )
    assert cycles(import_graph(project_modules(root))) == [["shared.db", "shared.messaging.outbox"]]


def test_imports_for_type_checking_make_no_cycle(tmp_path):
    root = write(
        tmp_path,
        {
            "shared/__init__.py": "",
            "shared/a.py": "import shared.b\n",
            "shared/b.py": "import typing\nif typing.TYPE_CHECKING:\n    from shared.a import A\n",
        },
    )
    assert cycles(import_graph(project_modules(root), deferred=True)) == []


def test_an_import_inside_a_function_makes_a_deferred_cycle_only(tmp_path):
    root = write(
        tmp_path,
        {
            "shared/__init__.py": "",
            "shared/a.py": "import shared.b\n",
            "shared/b.py": "def later():\n    from shared import a\n",
        },
    )
    assert cycles(import_graph(project_modules(root))) == []
    assert cycles(import_graph(project_modules(root), deferred=True)) == [["shared.a", "shared.b"]]


def test_a_long_module_is_reported_but_a_long_migration_is_not(tmp_path):
    long = "x = 1\n" * (MAX_LINES + 1)
    root = write(
        tmp_path,
        {
            "services/recruitment/big.py": long,
            "services/recruitment/migrations/versions/0001_initial.py": long,
            "shared/ok.py": "x = 1\n" * MAX_LINES,
            "deploy/__init__.py": "",
        },
    )
    assert long_modules(root) == [f"services/recruitment/big.py: {MAX_LINES + 1} lines"]
