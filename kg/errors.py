"""The one base class of the project's errors.

Convention: every error the project raises on purpose derives from :class:`KGError`, next
to the built-in class a caller would expect (``ValueError`` for bad input, ``LookupError``
for a name that matches nothing, ``OSError`` for a busy store …), so callers may catch either.
Anything else that escapes is a bug. The ``kg`` command maps these errors to its exit codes
(1 a data problem, 2 bad usage or input; see :mod:`kg.cli`) and prints their message
without a traceback. ``tests/test_errors.py`` checks that no error class of the package
forgets the base.

>>> from kg.queries import UnknownQuery
>>> issubclass(UnknownQuery, KGError), issubclass(UnknownQuery, ValueError)
(True, True)
"""

from __future__ import annotations

__all__ = ["KGError"]


class KGError(Exception):
    """Base class of every error conflict-kg raises on purpose (see the module docstring)."""
