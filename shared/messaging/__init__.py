"""Reliable messaging between the services: outbox and relay, inbox, dead letters, Celery factory."""
