"""Appreciation's use cases, one module per topic; called alike by pages, the API and tasks."""
