"""More ``kg`` verbs, one module each.

Every module here defines ``COMMANDS: list[click.Command]``; :mod:`kg.cli` adds them all to
the ``kg`` group, so a new verb never needs an edit of ``cli.py``. Commands receive the
:class:`kg.cli.Context` (``store()``, exit-code helpers) with ``@click.pass_obj``.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def load_commands() -> list[click.Command]:
    commands: list[click.Command] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        commands.extend(getattr(loaded, "COMMANDS", []))
    return commands
