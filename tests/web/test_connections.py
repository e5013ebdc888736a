"""Database connections are kept between requests (a minute by default, checked before reuse)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = ("from django.conf import settings as s; import django; django.setup(); "
          "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])")


def settings_seen(tmp_path: Path, **variables: str) -> list[str]:
    """CONN_MAX_AGE and CONN_HEALTH_CHECKS as a fresh process reads them with ``variables`` set."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("IOMHUB_", "DJANGO_", "DATABASE_"))}
    environment |= {"DJANGO_SETTINGS_MODULE": "iomhub.web.settings", "IOMHUB_DATA_DIR": str(tmp_path), **variables}
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=environment, capture_output=True, text=True,
                            timeout=120, check=True)
    return result.stdout.split()


@pytest.mark.parametrize(("variables", "expected"), [
    ({}, ["60", "True"]),
    ({"DATABASE_CONN_MAX_AGE": "0"}, ["0", "True"]),
    ({"DATABASE_CONN_MAX_AGE": "300"}, ["300", "True"]),
], ids=["default-a-minute", "closed-after-each-request", "five-minutes"])
def test_connections_are_kept_between_requests(tmp_path: Path, variables: dict[str, str],
                                                expected: list[str]) -> None:
    assert settings_seen(tmp_path, **variables) == expected
