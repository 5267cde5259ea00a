"""Batch screening of planning pools."""
