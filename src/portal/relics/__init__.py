"""The relics module."""
