"""The declarative base every appreciation table shares (one metadata, one migration history)."""

from shared.db import make_base

Base = make_base()
