"""Serving processes keep their start-up heap out of garbage collection (shared/heap.py): the
pause of a full collection over it was the redemption benchmark's tail latency."""

import subprocess
import sys

import pytest

from deploy.local.harness import REPO_ROOT

pytestmark = pytest.mark.integration

REPORT = "import gc; print(gc.get_freeze_count(), len(gc.get_objects(generation=2)))"


def frozen_and_tracked(setup: str, env: dict) -> tuple[int, int]:
    code = f"{setup}; {REPORT}"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    frozen, tracked = done.stdout.split()
    return int(frozen), int(tracked)


@pytest.mark.parametrize("service", ["recruitment", "appreciation", "notifications"])
def test_a_web_worker_freezes_what_start_up_left(stack, service):
    frozen, old = frozen_and_tracked(f"import services.{service}.wsgi", stack.env)
    assert frozen > 50_000  # the app: modules, mappers, schemas, templates
    assert old < frozen / 100  # what a full collection still walks


def test_a_process_that_only_builds_an_app_keeps_collecting_it(stack):
    """Tests and tools build apps without freezing: nothing of theirs is kept for ever."""
    frozen, old = frozen_and_tracked("import services.appreciation as s; s.create_app()", stack.env)
    assert frozen == 0 and old > 10_000


def test_a_celery_worker_freezes_before_its_pool_forks(stack):
    """Celery sends worker_init in the worker's main process once the app is imported and before
    the prefork pool starts, so the children inherit the frozen heap."""
    setup = (
        "import services.notifications.worker; from celery.signals import worker_init; worker_init.send(None)"
    )
    frozen, old = frozen_and_tracked(setup, stack.env)
    assert frozen > 50_000 and old < frozen / 100
