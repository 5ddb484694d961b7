"""The fund module."""
