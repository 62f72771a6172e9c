"""Every error class the package defines derives from kg.errors.KGError."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import kg
from kg.errors import KGError


def _error_classes() -> list[type[BaseException]]:
    found: list[type[BaseException]] = []
    for info in pkgutil.walk_packages(kg.__path__, prefix="kg."):
        if info.name == "kg.__main__":  # running it starts the CLI
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_the_walk_finds_the_known_error_classes():
    names = {cls.__qualname__ for cls in _error_classes()}
    # a few from different subpackages: the walk reaches kg.readers and kg.commands too
    assert {"QueryError", "DocumentError", "StoreBusyError", "PushError", "KGError"} <= names


def test_every_error_class_of_the_package_derives_from_kgerror():
    strays = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in _error_classes() if not issubclass(cls, KGError))
    assert strays == []


def test_errors_keep_their_builtin_base_so_callers_are_unaffected():
    from kg.cards import TargetNotFound
    from kg.queries import QueryError
    from kg.readers import DocumentError
    from kg.store import StoreBusyError

    assert issubclass(QueryError, ValueError)
    assert issubclass(DocumentError, ValueError)
    assert issubclass(TargetNotFound, LookupError)
    assert issubclass(StoreBusyError, OSError)
