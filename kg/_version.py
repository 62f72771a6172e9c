"""The version of conflict-kg, in a module of its own so that any module can read it
without importing the package facade (:mod:`kg`)."""

__version__ = "0.1.0"
