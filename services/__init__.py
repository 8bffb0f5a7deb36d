"""Knoop's three services. None imports another: they talk through events only."""
