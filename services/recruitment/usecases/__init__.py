"""Recruitment's use cases by topic: load, apply the rules, write the change and its events in one
transaction. No Flask, no Celery: callers pass a session (and the caller's principal)."""
