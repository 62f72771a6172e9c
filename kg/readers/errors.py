"""The one error a reader raises: the file is not a document it can read at all."""

from __future__ import annotations

from kg.errors import KGError


class DocumentError(KGError, ValueError):
    """A source file that cannot be read as a document.

    Always names the file, and where known the field and the offending value, so that the
    build report can say exactly what to fix; ``code`` is a stable short reason
    (``yaml-alias``, ``too-large``, ``encoding`` …) for the quarantine report.

    >>> str(DocumentError("a.md", "date", "32 Smarch", "not a date"))
    "a.md: date: not a date (value: '32 Smarch')"
    """

    def __init__(self, path: str, field: str | None, value: str | None, reason: str,
                 code: str = "unreadable") -> None:
        self.code = code
        self.path = path
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.path]
        if self.field:
            parts.append(self.field)
        message = ": ".join(parts) + f": {self.reason}"
        if self.value is not None:
            message += f" (value: {self.value!r})"
        return message
