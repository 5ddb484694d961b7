"""The command module."""
