"""The network's wall clock: offers say "weekdays until 17:00" and passes run by Dutch dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def local_date(moment: datetime) -> date:
    """The Dutch calendar date of a moment."""
    return moment.astimezone(LOCAL_TIME).date()


def local_today() -> date:
    """Today on the Dutch calendar (a pass issued just after midnight belongs to the new day)."""
    return datetime.now(LOCAL_TIME).date()
