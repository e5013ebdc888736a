"""``python -m iomhub.cli``: the ``iomhub`` command."""

from iomhub.cli.process import run

run()
