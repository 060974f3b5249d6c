"""Sotong (소통): a self-hosted live social wall for events and public institutions."""

__version__ = "0.1.0"
