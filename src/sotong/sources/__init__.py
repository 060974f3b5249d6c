"""Connectors: one package per network."""
