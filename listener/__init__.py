"""Listening: platform adapters poll for mentions, normalise them and hand them to ingest."""
