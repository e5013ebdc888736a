"""The one command, ``iomhub``, in the manner of Sentry's runner: ``check``, ``report``,
``convert``, ``synth``, ``mapping``, ``demo``, ``serve``, ``import``, ``export``, ``select``,
``worker``, ``createuser``, ``enrolment-link`` and ``django``.

One module per family of commands; what they share (the group, refusals, dates, the one Django
bootstrap) is in :mod:`iomhub.cli.app`. Django is started only by the commands that need it,
and only those that write to the database migrate it (:func:`iomhub.cli.app.start_django`).

The commands are imported when one of the names below is first asked for, not with this package:
the console script's entry, :func:`iomhub.cli.process.run`, is in it and sets up the process
before they load (docs/speed.md, "Ninth pass").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import ModuleType

    from iomhub.cli.app import local_today, main
    from iomhub.cli.demo import DEMO_DATA_START, DEMO_PERIOD, DEMO_SEED

    COMMANDS: tuple[ModuleType, ...]

# Where each name comes from; importing the command modules adds their commands to ``main``.
_NAMES = {"main": "iomhub.cli.app", "local_today": "iomhub.cli.app", "DEMO_DATA_START": "iomhub.cli.demo",
          "DEMO_PERIOD": "iomhub.cli.demo", "DEMO_SEED": "iomhub.cli.demo"}
_COMMAND_MODULES = ("iomhub.cli.data", "iomhub.cli.demo", "iomhub.cli.report", "iomhub.cli.web")

__all__ = ["COMMANDS", "DEMO_DATA_START", "DEMO_PERIOD", "DEMO_SEED", "local_today", "main"]


def __getattr__(name: str) -> Any:
    if name not in _NAMES and name != "COMMANDS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    commands = tuple(importlib.import_module(module) for module in _COMMAND_MODULES)
    globals()["COMMANDS"] = commands
    for each, module in _NAMES.items():
        globals()[each] = getattr(importlib.import_module(module), each)
    return globals()[name]
