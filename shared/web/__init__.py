"""Web plumbing shared by the services: API setup, error format, health checks, languages."""
