"""``make bench-pages`` (part of ``make bench-web``): each page's time at its first view and after,
on the demo's database, one user at a time (issue 13 item 10: under 1 s at first view, under
300 ms after).

It copies the demo's SQLite database (``iomhub demo --no-serve`` writes it into
``demo-output/web``; ``--data-dir`` names another), so the benchmark's writes (a manual RAG)
change nothing of the demo, and serves every request in this process through Django's test
client (the whole middleware stack, the real database, no network): the time is the server's.
The process first answers one page, so that Python's imports are not counted. Then two passes:
"cold", nothing kept (each page's first view computes what it shows; "after" is the median of
the next three views), and "served", as ``iomhub serve`` runs: the figures computed ahead at
start (``performance/warm.py``, its time reported) before the first view. The manual RAG is
saved last (it changes the data: every figure kept for the version before is dropped).
Results are printed as a table, and with ``--json`` written as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOAL_FIRST_MS, GOAL_AFTER_MS = 1000.0, 300.0
RAG = {"period": "", "rag": "amber", "reason": "Benchmark: the figure awaits validation"}


def pages(person: str, period: str) -> list[tuple[str, str, str, dict[str, str] | None]]:
    """(name, user, path, POST data or None) of each page measured."""
    return [
        ("dashboard", "probation.manager", "/performance/", None),
        ("dashboard (analyst)", "analyst", "/performance/", None),
        ("report", "probation.manager", "/performance/report/", None),
        ("indicator page", "probation.manager", "/performance/framework/IOM5/", None),
        ("selection", "probation.manager", "/cohort/selection/", None),
        ("cohort list", "police.officer", "/cohort/", None),
        ("person page", "police.officer", f"/people/{person}/", None),
        ("briefing", "police.officer", "/meetings/briefing/", None),
        ("agenda", "police.officer", "/meetings/agenda/", None),
        ("manual RAG saved", "probation.manager", "/performance/framework/IOM5/rag/", {**RAG, "period": period}),
    ]


def _timed(call: Callable[[], Any]) -> tuple[float, int]:
    started = time.perf_counter()
    response = call()
    return (time.perf_counter() - started) * 1000.0, response.status_code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("demo-output/web"),
                        help="the folder holding the demo's iomhub.sqlite3 (iomhub demo --no-serve)")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    args = parser.parse_args(argv)
    source = args.data_dir / "iomhub.sqlite3"
    if not source.exists():
        print(f"{source} not found: run iomhub demo --no-serve first", file=sys.stderr)
        return 1
    scratch = Path(tempfile.mkdtemp(prefix="iomhub-pages-"))
    try:
        shutil.copy(source, scratch / "iomhub.sqlite3")
        os.environ["IOMHUB_DATA_DIR"] = str(scratch)
        os.environ.pop("DATABASE_URL", None)
        return _run(args.json)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run(out: Path | None) -> int:
    from iomhub.web import setup

    setup()
    from django.test import Client
    from django.utils import timezone

    from iomhub.domain.dates import financial_year_of
    from iomhub.web.accounts.models import User
    from iomhub.web.meetings.briefing import on_iom
    from iomhub.web.people.models import Nominal
    from iomhub.web.performance import cache
    from iomhub.web.performance.warm import warm

    person = on_iom(Nominal.objects.all(), timezone.localdate()).order_by("nominal_id").values_list(
        "nominal_id", flat=True).first() or Nominal.objects.values_list("nominal_id", flat=True).first()
    today = timezone.localdate()
    period = f"{financial_year_of(today)}-Q{(today.month - 4) % 12 // 3 + 1}"  # the current quarter
    clients: dict[str, Client] = {}

    def client(username: str) -> Client:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        return clients[username]

    client("police.officer").get("/accounts/login/")  # Python's imports, not counted
    results: list[dict[str, Any]] = []
    for served in (False, True):
        cache.clear()
        warmed_ms = None
        if served:
            started = time.perf_counter()
            warm()
            warmed_ms = round((time.perf_counter() - started) * 1000.0)
        for name, username, path, data in pages(str(person), period):
            signed_in = client(username)

            def call(c: Client = signed_in, p: str = path, d: dict[str, str] | None = data) -> Any:
                return c.get(p) if d is None else c.post(p, d)
            first, status = _timed(call)
            after = statistics.median(_timed(call)[0] for _ in range(3))
            results.append({"pass": "served" if served else "cold", "warm_up_ms": warmed_ms, "page": name,
                            "path": path, "status": status, "first_ms": round(first), "after_ms": round(after)})
    _print(results)
    if out is not None:
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def _print(results: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    warmed = next((row["warm_up_ms"] for row in results if row["warm_up_ms"] is not None), None)
    table = Table(title=f"Page times on the demo (goals: first view < {GOAL_FIRST_MS:.0f} ms, "
                        f"after < {GOAL_AFTER_MS:.0f} ms; served: after the warm-up at start, {warmed:,} ms)")
    for column in ("page", "status", "cold: first view", "cold: after", "served: first view", "served: after",
                   "goals (served)"):
        table.add_column(column, justify="left" if column == "page" else "right")
    cold = [row for row in results if row["pass"] == "cold"]
    served = [row for row in results if row["pass"] == "served"]
    for before, row in zip(cold, served, strict=True):
        met = row["first_ms"] < GOAL_FIRST_MS and row["after_ms"] < GOAL_AFTER_MS
        table.add_row(row["page"], str(row["status"]), f"{before['first_ms']:,}", f"{before['after_ms']:,}",
                      f"{row['first_ms']:,}", f"{row['after_ms']:,}", "met" if met else "not met")
    Console().print(table)


if __name__ == "__main__":
    sys.exit(main())
