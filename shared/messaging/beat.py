"""Beat's scheduler: RedBeat's (schedule and lock in Redis), which also touches an alive file each
tick when `KNOOP_BEAT_ALIVE_FILE` names one, for a liveness probe (`python -m shared.alive FILE 60`):
a beat whose loop stopped coming round is restarted."""

from __future__ import annotations

from redbeat import RedBeatScheduler

from shared.alive import AliveFile

# The Celery setting that carries the file's path (set from KNOOP_BEAT_ALIVE_FILE).
ALIVE_SETTING = "knoop_beat_alive_file"


class LivelyRedBeatScheduler(RedBeatScheduler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        path = self.app.conf.get(ALIVE_SETTING)
        self._alive = AliveFile(path) if path else None

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        if self._alive is not None:
            self._alive.touch()
        return interval
