"""The ingest pipeline: normalise → match tags → sanitise → decide → store → publish."""
