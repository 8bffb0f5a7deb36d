"""The heap of a long-running process (a web or Celery worker), settled once it has started.

A Knoop app leaves a great many objects on the heap after start-up (modules, SQLAlchemy's
mappers, Jinja's templates, marshmallow's schemas); they live as long as the process. CPython's
full garbage collection walks all of them, a few times a minute under load, and a request that
arrives meanwhile waits: that was the tail of the redemption benchmark's latency (the figures are
in docs/performance.md). Frozen, they are left out of every later collection; only what
the process makes afterwards is walked. Nothing frozen is ever freed, so this runs once, after
start-up, in processes that serve (never in tests, which build many apps).
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Collect what start-up left as garbage, then keep the rest out of later collections."""
    gc.collect()
    gc.freeze()
