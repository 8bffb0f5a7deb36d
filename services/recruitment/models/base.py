"""The declarative base every recruitment table shares (one metadata, one migration history)."""

from shared.db import make_base

Base = make_base()
