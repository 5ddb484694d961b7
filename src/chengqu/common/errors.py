"""The domain error: a stable code for programs and a Chinese message for people."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the input.

    ``code`` is stable and machine-readable (``calendar.year_unknown``); ``message`` is what a
    user reads, in Chinese; ``field`` names the input at fault when there is one.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}

    def __str__(self) -> str:
        return self.message
