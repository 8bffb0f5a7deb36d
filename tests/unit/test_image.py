"""The image installs Knoop as a package: its wheel carries every catalogue, template, static file and
migration, the installed copy reads them from where it is installed, and the runtime lock pins exactly
what Knoop needs at run time (the lock less its dev extra)."""

import json
import re
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
PACKAGE_DATA = ("translations", "templates", "static", "migrations")


def builder_sources() -> list[str]:
    """What the Dockerfile's builder copies into the source tree it builds the wheel from."""
    copies = re.findall(r"^COPY (.+) /build/src/\S*$", DOCKERFILE.read_text(), re.M)
    return [source for line in copies for source in line.split()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Knoop's wheel, built as the image builds it: from what the Dockerfile copies, nothing more."""
    source, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("wheel")
    for name in builder_sources():
        subprocess.run(["cp", "-r", str(ROOT / name), str(source / name)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("knoop-*.whl")
    return built


def data_files() -> set[str]:
    """Every file Knoop reads at run time beside its Python modules."""
    tracked = subprocess.run(
        ["git", "ls-files", "shared", "services", "deploy"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    return {path for path in tracked if set(Path(path).parts) & set(PACKAGE_DATA)}


def test_the_wheel_carries_every_catalogue_template_static_file_and_migration(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = data_files()
    assert any(path.endswith(".po") for path in expected) and any("/static/" in p for p in expected)
    assert sorted(expected - names) == []


def test_the_installed_package_reads_its_catalogues_from_where_it_is_installed(wheel, tmp_path):
    """No source tree beside it (the image's WORKDIR has none): Dutch comes from site-packages."""
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    probe = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "import services.recruitment as r;"
        "app = r.create_app({'profile': 'test', 'database_url': 'sqlite:///' + sys.argv[1] + '/x.db'});"
        "print(json.dumps([r.__file__, len(app.extensions['knoop_catalogue'].messages['nl'])]))"
    )
    answer = subprocess.run(
        [sys.executable, "-c", probe, str(site)], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    installed_at, dutch = json.loads(answer.stdout.strip().splitlines()[-1])
    assert installed_at.startswith(str(site))

    from services.recruitment import create_app

    source_app = create_app({"profile": "test", "database_url": f"sqlite:///{tmp_path / 'y.db'}"})
    assert dutch == len(source_app.extensions["knoop_catalogue"].messages["nl"]) > 100


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {canonicalize_name(n): v for n, v in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, re.M)}


def runtime_closure() -> set[str]:
    """Knoop's run-time requirements and theirs, with the extras asked for, as installed here."""
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    todo = [Requirement(r) for r in pyproject["project"]["dependencies"]]
    seen: set[tuple[str, frozenset]] = set()
    while todo:
        requirement = todo.pop()
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        for line in metadata.requires(requirement.name) or []:
            needed = Requirement(line)
            wanted = [{"extra": extra} for extra in requirement.extras] or [{"extra": ""}]
            if needed.marker is None or any(needed.marker.evaluate(env) for env in wanted):
                todo.append(needed)
    return {name for name, _ in seen}


def test_the_runtime_lock_pins_what_knoop_needs_to_run_and_nothing_else_at_the_locks_versions():
    runtime, full = pins("requirements-runtime.lock"), pins("requirements.lock")
    assert {n: v for n, v in runtime.items() if full.get(n) != v} == {}
    assert sorted(runtime_closure() ^ set(runtime)) == []
    assert "pytest" not in runtime and "playwright" not in runtime


def test_the_image_runs_as_a_numeric_user_from_a_venv_with_no_source_beside_it():
    text = DOCKERFILE.read_text()
    runtime_stage = text.split("\nFROM ")[-1]
    assert re.search(r"^USER 10001:10001$", runtime_stage, re.M)
    assert re.findall(r"^COPY .*$", runtime_stage, re.M) == ["COPY --from=builder /opt/knoop /opt/knoop"]
    assert "requirements-runtime.lock" in text and "--no-deps" in text and "pip check" in text
    assert re.search(r"^HEALTHCHECK .*CMD \[\"python\", \"-m\", \"deploy.healthcheck\"\]$", text, re.M)


def test_the_healthcheck_passes_while_a_service_answers_its_livez_and_fails_when_nothing_listens():
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from deploy.healthcheck import alive

    class Notifications(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/api/notifications/livez" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Notifications)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    assert alive(port)
    server.shutdown()
    server.server_close()
    assert not alive(port)
