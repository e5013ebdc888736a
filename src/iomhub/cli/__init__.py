"""The one command, ``iomhub``, in the manner of Sentry's runner: ``check``, ``report``,
``convert``, ``synth``, ``mapping``, ``demo``, ``serve``, ``import``, ``export``, ``select``,
``worker``, ``createuser``, ``enrolment-link`` and ``django``.

One module per family of commands; what they share (the group, refusals, dates, the one Django
bootstrap) is in :mod:`iomhub.cli.app`. Django is started only by the commands that need it,
and only those that write to the database migrate it (:func:`iomhub.cli.app.start_django`).
"""

from iomhub.cli import data, demo, report, web
from iomhub.cli.app import local_today, main
from iomhub.cli.demo import DEMO_DATA_START, DEMO_PERIOD, DEMO_SEED

COMMANDS = (data, demo, report, web)  # imported for the commands they add to ``main``

__all__ = ["COMMANDS", "DEMO_DATA_START", "DEMO_PERIOD", "DEMO_SEED", "local_today", "main"]
