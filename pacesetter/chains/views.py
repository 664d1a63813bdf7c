"""Screens (being built)."""
