"""How the ``iomhub`` process runs: the console script's entry point and the settings that
belong to a whole process rather than to any one command (``docs/speed.md``, "Seventh pass").

- **numpy's OpenBLAS on one thread.** OpenBLAS starts a thread per core when numpy is
  imported, and those threads spin waiting for work after every matrix call. iomhub's matrix
  work is small (the covariance of a large group's resampling); the cores are wanted by
  Polars. Spinning cost 0.1 to 0.15 CPU s of a report of 100,000 nominals (about 2.8 CPU s
  in all). A value the user has set is kept.
- **Python's cyclic garbage collector paused while a report is computed**
  (:func:`collector_paused`): the report makes few reference cycles but many objects, so the
  collector's passes over the interpreter's objects (160 of them, 0.04 to 0.08 s at 100,000
  nominals) find nothing. Memory is not held longer: objects without cycles are freed as
  always, and the collector resumes after.
- **The collector paused while the command's modules are imported** (Polars, click, the
  package reader: some 0.2 s on one core before any work can start): imports make many objects
  and few cycles, and the 88 collections they set off took 0.016 s and freed nothing.
- **The objects left frozen at the end** (``gc.freeze``): the interpreter's last collection at
  exit then skips them, which saves about 0.05 s of tearing down after a report; the process
  returns all its memory as it ends anyway.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager

# Environment settings read by libraries when they load, given unless the user has set them.
PROCESS_DEFAULTS = {"OPENBLAS_NUM_THREADS": "1"}


def process_defaults(environ: MutableMapping[str, str] = os.environ) -> None:
    """``PROCESS_DEFAULTS`` put in ``environ`` where the user has not set them. They take effect
    only before numpy is imported: ``import iomhub.cli`` does not import it (a test checks)."""
    for name, value in PROCESS_DEFAULTS.items():
        environ.setdefault(name, value)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block, then as it was (on, unless the
    caller had turned it off), whether the block ends or raises."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run() -> None:
    """The ``iomhub`` console script: the process defaults, the command imported with the
    collector paused, the command line, and the objects left frozen at the end (the exit status
    is the command's, as ``main`` gives it)."""
    process_defaults()
    with collector_paused():
        from iomhub.cli import main

    try:
        main()
    finally:
        gc.freeze()
