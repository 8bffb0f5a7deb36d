"""Notifications' use cases, one module per topic: deliveries, preferences, the delivery log."""
