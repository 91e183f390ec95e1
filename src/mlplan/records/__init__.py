"""Shared records: frozen, typed, serialisable; every layer may import them (no engines)."""
