"""``python -m iomhub.cli``: the ``iomhub`` command."""

from iomhub.cli import main

main()
