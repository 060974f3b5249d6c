"""Moderation: decisions on posts (and, later, rules and audit)."""
