"""Appreciation's rules, free of Flask, Celery and sessions: passes, offers, gatherings, access."""
