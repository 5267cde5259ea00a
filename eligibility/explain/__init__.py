"""Decisions, findings, messages and renderers (layer 4)."""
