"""Bundled demo source."""
