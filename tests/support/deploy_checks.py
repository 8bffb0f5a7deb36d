"""What a deployment file names must exist in the code: the commands it runs, the settings it gives,
the ports it connects and the paths it probes. Generic (a command line, environment names, URL
paths), so the Compose checks (tests/unit/test_compose.py) and the Kubernetes ones
(tests/unit/test_kubernetes.py) share them. Each `assert_...` raises AssertionError saying what is
missing."""

from __future__ import annotations

import ast
import contextlib
import io
import re
import shlex
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from unittest import mock

import click
from flask.cli import FlaskGroup

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("recruitment", "appreciation", "notifications")
# Where each service's settings are read: the only places a setting may come from.
CONFIG_MODULES = (ROOT / "shared" / "config.py", *(ROOT / "services" / s / "config.py" for s in SERVICES))
APP_OVERRIDES = {"profile": "test", "database_url": "sqlite://"}
ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+")


# Commands


def assert_command_runs_knoop(argv: Sequence[str] | str) -> None:
    """`argv` (a list, or a string as Compose allows) runs one of Knoop's entry points with options
    its program accepts: celery, flask, gunicorn, `python -m`, or `sh -c` of those joined by &&."""
    argv = shlex.split(argv) if isinstance(argv, str) else list(argv)
    program = Path(argv[0]).name
    checks = {"celery": _celery, "flask": _flask, "gunicorn": _gunicorn, "python": _python, "sh": _shell}
    assert program in checks, f"{argv[0]!r} is none of Knoop's programs ({', '.join(checks)})"
    checks[program](argv[1:])


def _shell(args: list[str]) -> None:
    assert args[:1] == ["-c"] and len(args) == 2, f"sh {args}: expected sh -c '<command> && ...'"
    for part in args[1].split("&&"):
        assert_command_runs_knoop(part.strip())


def _python(args: list[str]) -> None:
    assert args[:1] == ["-m"] and len(args) >= 2, f"python {args}: expected python -m <module>"
    assert find_spec(args[1]) is not None, f"no module {args[1]}"


def _imported(load, name: str):
    try:
        return load(name)
    except ImportError as exc:
        raise AssertionError(f"cannot import {name}: {exc}") from None


def _parse(command: click.Command, name: str, args: list[str], parent=None) -> click.Context:
    """Parse `args` as `command` would, running nothing: unknown options and bad values fail."""
    try:
        return command.make_context(name, list(args), parent=parent)
    except click.ClickException as exc:
        raise AssertionError(f"{name} {shlex.join(args)}: {exc.format_message()}") from None


def _celery(args: list[str]) -> None:
    from celery.app.utils import find_app
    from celery.bin.base import CLIContext
    from celery.bin.celery import celery as celery_cli

    args = [part for a in args for part in (a.split("=", 1) if a.startswith("--app=") else [a])]
    app_flags = {"-A", "--app"}
    assert any(flag in args for flag in app_flags), f"celery {args}: no -A <app module>"
    at = next(i for i, a in enumerate(args) if a in app_flags)
    app = _imported(find_app, args[at + 1])
    rest = args[:at] + args[at + 2 :]
    name, options = rest[0], rest[1:]
    command = celery_cli.commands.get(name)
    assert command is not None, f"celery has no command {name!r}"
    # Some option types ask the app (a pool's name, say), as under `celery -A`.
    parent = click.Context(celery_cli, obj=CLIContext(app=app, no_color=True, workdir=None, quiet=True))
    queues = _parse(command, name, options, parent).params.get("queues") or []
    assert set(queues) <= {app.conf.task_default_queue}, f"{app.main} sends nothing to queues {queues}"


def _flask(args: list[str]) -> None:
    args = [part for a in args for part in (a.split("=", 1) if a.startswith("--app=") else [a])]
    assert args[:1] == ["--app"], f"flask {args}: expected flask --app services.<service> <command>"
    app = _imported(flask_app, args[1])
    name, options = args[2], args[3:]
    command = app.cli.get_command(click.Context(app.cli), name) or FlaskGroup().commands.get(name)
    assert command is not None, f"flask --app {args[1]} has no command {name!r}"
    with app.app_context():
        _parse(command, name, options)


def _gunicorn(args: list[str]) -> None:
    parsed = gunicorn_options(args)
    assert len(parsed.args) == 1, f"gunicorn {args}: expected one application"
    module, _, attribute = parsed.args[0].partition(":")
    target = getattr(_imported(import_module, module), attribute.removesuffix("()").strip(), None)
    assert callable(target), f"gunicorn: {parsed.args[0]} is not a WSGI application or factory"


def gunicorn_options(args: Sequence[str]):
    """gunicorn's own parse of its command line (its argument parser exits on what it does not know)."""
    from gunicorn.config import Config

    try:
        with contextlib.redirect_stderr(io.StringIO()):
            return Config().parser().parse_args(list(args))
    except SystemExit:
        raise AssertionError(f"gunicorn does not accept {shlex.join(args)}") from None


def gunicorn_port(argv: Sequence[str] | str) -> int:
    """The port a gunicorn command line binds."""
    argv = shlex.split(argv) if isinstance(argv, str) else list(argv)
    [bind] = gunicorn_options(argv[1:]).bind
    return int(bind.rsplit(":", 1)[1])


@cache
def flask_app(import_path: str):
    """The app `flask --app import_path` builds (each service module has `create_app`), configured
    for tests so that nothing is connected."""
    return import_module(import_path).create_app(dict(APP_OVERRIDES))


# Settings


def assert_env_names_read(names: Iterable[str], also: Iterable[str] = ()) -> None:
    """Every name is a setting Knoop reads (shared/config.py, services/*/config.py), or one of `also`
    (names the deployment itself uses, e.g. a password it interpolates for its database image)."""
    unknown = sorted(set(names) - env_names_read() - set(also))
    assert unknown == [], f"set but read by no Knoop setting: {unknown}"


@cache
def env_names_read() -> frozenset[str]:
    """The environment names the config modules spell out, and those built at load time
    (`<SERVICE>_DATABASE_URL`), recorded while every service loads its settings."""
    literal = {
        node.value
        for path in CONFIG_MODULES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and ENV_NAME.fullmatch(node.value)
    }
    import shared.config as config

    asked: set[str] = set()
    original = config._env

    def recording(name, default=None):
        asked.add(name)
        return original(name, default)

    with mock.patch.object(config, "_env", recording):
        for service in SERVICES:
            settings_class = _settings_class(service)
            settings_class.load(service, dict(APP_OVERRIDES))
    return frozenset(literal | asked)


def _settings_class(service: str):
    from shared.config import Settings

    module = import_module(f"services.{service}.config")
    [kind] = [
        v
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, Settings) and v.__module__ == module.__name__
    ]
    return kind


# Paths


def assert_routes_exist(paths: Iterable[str]) -> None:
    """Every path is answered by a route of the service the proxy (and the gateway) sends it to."""
    from werkzeug.exceptions import MethodNotAllowed, NotFound
    from werkzeug.routing import RequestRedirect

    from deploy.local.gateway import ROUTES, PrefixRouter

    router = PrefixRouter({s: None for s in SERVICES}, default="recruitment", routes=ROUTES)
    for path in paths:
        service = router.owner(path)
        adapter = flask_app(f"services.{service}").url_map.bind("localhost")
        try:
            adapter.match(path, method="GET")
        except (NotFound, RequestRedirect, MethodNotAllowed):
            raise AssertionError(f"{path}: no GET route in {service}") from None
