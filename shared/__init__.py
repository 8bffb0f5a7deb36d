"""Knoop's common code: event contracts and infrastructure shared by the services, no domain rules."""
