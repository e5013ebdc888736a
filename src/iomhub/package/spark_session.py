"""A Spark session for ``--engine spark``: Java and the Python of the workers found for the user.

PySpark starts a Java virtual machine and, on every executor, Python workers. The command sets
``PYSPARK_PYTHON`` (and the driver's) to the Python it runs on, unless already set, so that the
workers have the same iomhub, Polars and Narwhals; and finds Java when ``JAVA_HOME`` is not set
and ``java`` is not on the path (Debian's and the usual JDK folders). ``master`` is ``local[*]``
(every core of this machine) or a cluster's URL (``spark://host:7077``, ``yarn``, ...); under
``spark-submit`` the session it made is used as it is. See docs/scale.md.
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LOCAL = "local[*]"
JDK_FOLDERS = ("/usr/lib/jvm/*", "/usr/local/opt/openjdk*", "/opt/java/*",
               "/Library/Java/JavaVirtualMachines/*/Contents/Home")


class SparkUnavailable(RuntimeError):
    """The Spark engine cannot run here; the message says what to install or set."""


def find_java() -> str | None:
    """JAVA_HOME as set, or the home of the ``java`` on the path, or of a JDK in a usual folder."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    found = shutil.which("java")
    if found:
        return str(Path(found).resolve().parent.parent)
    for pattern in JDK_FOLDERS:
        for home in sorted(glob.glob(pattern), reverse=True):
            if (Path(home) / "bin" / "java").exists():
                return home
    return None


def spark_session(master: str = LOCAL, app: str = "iomhub", config: Mapping[str, str] | None = None) -> Any:
    """The active Spark session, or a new one on ``master`` configured for iomhub.

    Dates are read and written in UTC (a date must not move with the machine's time zone), the
    web interface is off, and in local mode shuffles use as many partitions as cores.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise SparkUnavailable("the Spark engine needs PySpark: pip install 'iomhub[spark]' "
                               "(or pyspark and pyarrow)") from error
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    java = find_java()
    if java is None:
        raise SparkUnavailable("the Spark engine needs Java 17 or later: install it (apt-get install "
                               "openjdk-17-jre-headless) or set JAVA_HOME")
    os.environ.setdefault("JAVA_HOME", java)
    builder = (SparkSession.builder.master(master).appName(app)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.extraJavaOptions", "-Dderby.system.home=" + os.environ.get("TMPDIR", "/tmp"))
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    if master.startswith("local"):
        builder = builder.config("spark.sql.shuffle.partitions", str(max(2, os.cpu_count() or 2)))
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # py4j or Java failing to start: say so, without a traceback
        raise SparkUnavailable(f"Spark could not start on {master!r}: {error}") from error
    session.sparkContext.setLogLevel("ERROR")
    return session
