"""The WSGI application loads its URL configuration (every view, the report engine) when the
server starts, so that the first reader of a fresh process does not wait for it."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.web.conftest import only_on

pytestmark = only_on("sqlite")  # an import in a fresh process, not the database: run once

def test_importing_the_wsgi_application_loads_every_view() -> None:
    probe = ("import sys, iomhub.web.wsgi; "
             "print(all(name in sys.modules for name in ('iomhub.web.urls', 'iomhub.web.people.views', "
             "'iomhub.web.performance.views', 'iomhub.reports.model')))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "iomhub.web.settings"}
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "True"
