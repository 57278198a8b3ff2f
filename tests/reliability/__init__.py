"""Reliability: kills at chosen points, a locked or full database, fuzzed payloads, bad settings."""
