"""A sign of life for a process without a port (the outbox relay): its loop touches a file, and a
probe reads how old the file is.

    python -m shared.alive /tmp/alive 60    # exit 0 when touched in the last 60 s, else 1

Kubernetes runs that as the relay's liveness probe (deploy/kubernetes): a relay whose loop stopped
coming round (stuck on a connection that never answers) is restarted; one whose database is away
still comes round, so it is not."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# A loop that comes round every few milliseconds while busy touches the file at most this often.
TOUCH_EVERY_SECONDS = 5.0


class AliveFile:
    """Touched by a loop each round; at most every `every` seconds."""

    def __init__(self, path: str | Path, every: float = TOUCH_EVERY_SECONDS):
        self.path = Path(path)
        self.every = every
        self._next = 0.0

    def touch(self) -> None:
        now = time.monotonic()
        if now >= self._next:
            self.path.touch()
            self._next = now + self.every


def fresh(path: str | Path, seconds: float) -> bool:
    """Whether `path` exists and was touched within the last `seconds`."""
    try:
        return time.time() - os.stat(path).st_mtime <= seconds
    except FileNotFoundError:
        return False


def main(argv: list[str]) -> int:
    """The probe: exit status 0 if the file is fresh, 1 if not, 2 on wrong arguments."""
    if len(argv) != 2:
        print("usage: python -m shared.alive FILE SECONDS", file=sys.stderr)
        return 2
    return 0 if fresh(argv[0], float(argv[1])) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
