"""Which network a slug names, remembered for a short while: every public page and search starts
with this lookup, and networks are opened or renamed rarely."""

from __future__ import annotations

import time

from services.recruitment.models import Network
from services.recruitment.usecases.registry import network_by_slug
from shared.db import Database

TTL_SECONDS = 30.0


class NetworkDirectory:
    """Per app (so per database), never shared between apps."""

    def __init__(self, db: Database, ttl: float = TTL_SECONDS):
        self.db = db
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Network]] = {}

    def by_slug(self, slug: str) -> Network:
        """The network (detached, read-only) or NotFound."""
        now = time.monotonic()
        cached = self._entries.get(slug)
        if cached and cached[0] > now:
            return cached[1]
        with self.db.reader() as session:
            network = network_by_slug(session, slug)
        self._entries[slug] = (now + self.ttl, network)
        return network
