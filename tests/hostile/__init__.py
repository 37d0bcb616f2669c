"""Hostile and broken input: a corpus generated in code, and the properties no input may break."""
