"""The supervision module."""
