"""``make bench-web``: the web application under load on loopback, on SQLite and PostgreSQL.

For each database it prepares a fresh database holding a synthetic package (``iomhub synth
--nominals N --seed 1``, kept under ``--data-dir``; imported with ``iomhub import``), adds
``--users`` practitioner accounts of a partner agency (one Argon2 hash made once and given to
all; the served process keeps its real hashers), starts ``iomhub serve --threads 8`` on a free
port of 127.0.0.1, and signs every user in through the real login form (CSRF token and
cookie, then the session cookie is kept). Then the users, one thread and one keep-alive
connection each, loop over the person page of a random member of the cohort, the cohort list,
the cohort list filtered, sorted and on a later page, and the dashboard (the report for
2015/16 computed from the database), until ``--seconds`` have passed or ``--requests`` have
been sent, whichever comes first. A request is an error unless it is answered 200.

Reported per page and database: requests, errors, p50, p95 and max latency (ms, the request
sent to the whole body read, of the requests answered 200), and the throughput (requests
answered per second, errors included). The goals (p95 under 150 ms for the person
page and the cohort list, under 500 ms for the dashboard, no errors) are printed as met or not
met and never fail the run; the run exits 1 only when a database could not be prepared or
served. The server is stopped at the end, on Ctrl+C and on any failure.

SQLite lives in ``<data-dir>/web-sqlite`` (``IOMHUB_DATA_DIR``); PostgreSQL in a database
``iomhub_bench`` created (and dropped afterwards) on the server ``scripts/postgres-test-url``
names. PostgreSQL is skipped, with the reason, when that script cannot give a URL.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ensure_package, executable

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "iomhub_bench"
AGENCY_CODE = "bench-police"
SCHEMES = ("priority", "enhanced", "standard")
SORTS = ("name", "-name", "level", "tier", "-tier", "area", "start", "-start")
REPORT_QUERY = "from=2015-04-01&to=2016-03-31&target_reduction=17"  # the synthetic data's last year
PAGES = ("person page", "cohort list", "cohort list (filtered)", "dashboard")
GOALS_MS = {"person page": 150.0, "cohort list": 150.0, "cohort list (filtered)": 150.0, "dashboard": 500.0}
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
TIMEOUT_SECONDS = 60.0


# --- the pure parts: percentiles and the request plan -------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks (numpy's
    default): of 1..100 the 95th is 95.05. NaN for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is not between 0 and 100")
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Step:
    """One request of the plan: which page (a key of ``GOALS_MS``) and its path."""

    page: str
    path: str


def plan(cohort_ids: Sequence[str], rng: random.Random, start: int = 0) -> Iterator[Step]:
    """A user's endless round: person page, cohort list, filtered cohort list, dashboard.

    The person is drawn from ``cohort_ids`` each time; the filtered list picks a level, a sort
    and a page (1-3; past the last page the list shows its last). ``start`` is where in the
    round the user begins, so that users do not all open the dashboard at once.
    """
    if not cohort_ids:
        raise ValueError("the cohort is empty: there is no person page to open")
    for turn in itertools.count(start):
        kind = turn % len(PAGES)
        if kind == 0:
            yield Step("person page", f"/people/{urllib.parse.quote(rng.choice(cohort_ids))}/")
        elif kind == 1:
            yield Step("cohort list", "/cohort/")
        elif kind == 2:
            query = urllib.parse.urlencode({"level": rng.choice(SCHEMES), "sort": rng.choice(SORTS),
                                            "page": rng.randint(1, 3)})
            yield Step("cohort list (filtered)", f"/cohort/?{query}")
        else:
            yield Step("dashboard", f"/performance/report/?{REPORT_QUERY}")


@dataclass
class PageStats:
    """Latencies (ms) of the requests answered 200, and the count of the others (errors), for one page."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def requests(self) -> int:
        """Every request sent, errors included."""
        return len(self.latencies_ms) + self.errors

    def summary(self) -> dict[str, float | int]:
        return {"requests": self.requests, "errors": self.errors,
                "p50_ms": percentile(self.latencies_ms, 50), "p95_ms": percentile(self.latencies_ms, 95),
                "max_ms": max(self.latencies_ms, default=math.nan)}


@dataclass
class RunResult:
    """One database's run: stats per page, wall seconds of the load, or why it could not run."""

    database: str
    pages: dict[str, PageStats] = field(default_factory=lambda: {page: PageStats() for page in PAGES})
    seconds: float = 0.0
    login_seconds: float = 0.0
    failure: str | None = None
    skipped: str | None = None
    error_samples: list[str] = field(default_factory=list)
    answered: list[tuple[float, str, float]] = field(default_factory=list)  # (s from the start, page, ms)
    warm_up: PageStats = field(default_factory=PageStats)
    warm_up_seconds: float = 0.0
    client_cpu_share: float = math.nan  # CPU seconds the load generator used per second of load

    @property
    def requests(self) -> int:
        return sum(stats.requests for stats in self.pages.values())

    @property
    def errors(self) -> int:
        return sum(stats.errors for stats in self.pages.values())

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else math.nan


def goal_lines(result: RunResult) -> list[str]:
    """Each goal of one database, met or not met (and why not measured)."""
    name = NAMES.get(result.database, result.database)
    if result.skipped or result.failure:
        return [f"goals on {name}: not measured ({result.skipped or result.failure})"]
    lines = []
    for page, limit in GOALS_MS.items():
        p95 = percentile(result.pages[page].latencies_ms, 95)
        met = not math.isnan(p95) and p95 < limit
        lines.append(f"goal on {name}: {page} p95 < {limit:g} ms: {'met' if met else 'not met'} "
                     f"({'no requests' if math.isnan(p95) else f'{p95:.0f} ms'})")
    lines.append(f"goal on {name}: no errors: {'met' if result.errors == 0 else 'not met'} "
                 f"({result.errors:,} of {result.requests:,})")
    return lines


# --- an HTTP client with cookies -----------------------------------------------------------------

class Client:
    """One user's keep-alive connection to the server, holding the cookies it is given."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, dict[str, str]]:
        """Send one request (reconnecting once if the kept-alive connection was closed)."""
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "iomhub-web-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_SECONDS)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            if response.will_close:
                self.close()
            return response.status, data, dict(response.headers.items())
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(client: Client, username: str, password: str) -> None:
    """Sign in through the login form: GET it for the CSRF cookie and token, then POST."""
    status, body, _ = client.request("GET", "/accounts/login/")
    token = CSRF_INPUT.search(body)
    if status != 200 or token is None:
        raise RuntimeError(f"GET /accounts/login/ answered {status} without a CSRF token")
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "username": username,
                                   "password": password, "next": "/cohort/"})
    status, _, headers = client.request("POST", "/accounts/login/", form)
    location = headers.get("Location", "")
    if status != 302 or not location.endswith("/cohort/") or "sessionid" not in client.cookies:
        raise RuntimeError(f"signing in {username!r} failed: {status} {location!r}")


# --- the server and its database -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_environment(database: str, data_dir: Path, console: Console) -> dict[str, str]:
    """The environment of the commands for ``database``, which is made empty first."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    folder = data_dir / f"web-{database}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env["IOMHUB_DATA_DIR"] = str(folder)
    if database == "postgresql":
        env["DATABASE_URL"] = recreate_postgres_database()
    console.print(f"{NAMES[database]}: fresh database "
                  f"{env.get('DATABASE_URL', folder / 'iomhub.sqlite3')}", highlight=False)
    return env


def postgres_server_url() -> str:
    """The URL ``scripts/postgres-test-url`` gives (it starts the server when needed)."""
    done = subprocess.run([str(ROOT / "scripts" / "postgres-test-url")], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        raise PostgresUnavailable(done.stderr.strip() or "scripts/postgres-test-url gave no URL")
    return done.stdout.strip()


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server to run on."""


def _with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _postgres_admin(url: str, statements: Sequence[str]) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


def recreate_postgres_database() -> str:
    url = postgres_server_url()
    _postgres_admin(_with_database(url, "postgres"), [f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)",
                          f"CREATE DATABASE {BENCH_DATABASE}"])
    return _with_database(url, BENCH_DATABASE)


def drop_postgres_database() -> None:
    _postgres_admin(_with_database(postgres_server_url(), "postgres"),
                    [f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"])


def create_users(count: int, password: str) -> None:
    """(In a child process with the database's environment.) ``count`` practitioners bench-user-NN
    of a partner agency, audited like ``iomhub createuser`` does; the Argon2 hash is made once."""
    from iomhub.web import setup

    setup()
    from django.contrib.auth.hashers import make_password

    from iomhub.web.accounts.constants import AgencyCode, Role
    from iomhub.web.accounts.models import Agency, User
    from iomhub.web.audit.constants import Operation
    from iomhub.web.audit.context import Actor, audited

    hashed = make_password(password)
    with audited(Actor.system("bench"), justification="web load benchmark users") as audit:
        agency = Agency.objects.create(code=AGENCY_CODE, name="Police (benchmark)", kind=AgencyCode.POLICE,
                                       partner=True, health=False)
        audit.record(Operation.COLLECTION, agency)
        for number in range(1, count + 1):
            user = User.objects.create(username=f"bench-user-{number:02d}", password=hashed, agency=agency,
                                       role=Role.PRACTITIONER)
            audit.record(Operation.COLLECTION, user, detail={"agency": AGENCY_CODE, "role": Role.PRACTITIONER})


def run_step(command: Sequence[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {done.returncode}): {(done.stderr or done.stdout)[-2000:]}")


def prepare(database: str, package: Path, data_dir: Path, users: int, password: str,
            console: Console) -> dict[str, str]:
    env = database_environment(database, data_dir, console)
    started = time.perf_counter()
    run_step([executable("iomhub"), "import", str(package), "--reason", "web load benchmark"], env,
             f"iomhub import into {NAMES[database]}")
    run_step([executable("python"), "-c", f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
              f"import web_load; web_load.create_users({users}, {password!r})"], env, "creating the users")
    console.print(f"  imported {package.name} and created {users} users in {time.perf_counter() - started:.1f} s")
    return env


class Server:
    """``iomhub serve`` as a child process, stopped on leaving the ``with`` block whatever happens."""

    def __init__(self, env: dict[str, str], threads: int, log: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.log_path = log
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [executable("iomhub"), "serve", "--addr", f"127.0.0.1:{self.port}", "--threads", str(threads),
             "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def __enter__(self) -> Server:
        try:
            self.wait_until_answering()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_until_answering(self, limit: float = 120.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"iomhub serve exited with {self.process.returncode}: {self.tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/accounts/login/")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
                connection.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"iomhub serve did not answer within {limit:g} s: {self.tail()}")

    def tail(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- the load --------------------------------------------------------------------------------------

class Budget:
    """The bound shared by the users: a request may start until ``seconds`` have passed or
    ``requests`` have been started."""

    def __init__(self, seconds: float, requests: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.left = requests
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


def load(port: int, users: int, password: str, cohort_ids: Sequence[str], seconds: float, requests: int,  # noqa: C901
         result: RunResult, console: Console, think: float = 0.0) -> None:
    """Sign the users in, then let them loose together until the budget is spent.

    ``think`` is each user's mean pause between pages in seconds (exponentially distributed,
    not timed): a practitioner reads a page before opening the next. 0 is a stress test.
    """
    clients = [Client(port) for _ in range(users)]
    lock = threading.Lock()
    started = time.perf_counter()

    # One after another: sign-ins are not what is measured (and 50 at once is a burst no unit sees).
    for index, client in enumerate(clients):
        sign_in(client, f"bench-user-{index + 1:02d}", password)
    result.login_seconds = time.perf_counter() - started
    console.print(f"  {users} users signed in through the login form in {result.login_seconds:.1f} s")

    warmed = threading.Barrier(users + 1)
    gate = threading.Barrier(users + 1)
    budget: Budget | None = None
    load_began = 0.0

    def fetch(client: Client, step: Step) -> tuple[str | None, float, float]:
        """(what went wrong or None, when it began, ms)."""
        began = time.perf_counter()
        try:
            status, _, headers = client.request("GET", step.path)
            problem = None if status == 200 else f"{status} {headers.get('Location', '')}".strip()
        except (OSError, http.client.HTTPException) as error:
            problem = f"{type(error).__name__}: {error}"
            client.close()
        return problem, began, (time.perf_counter() - began) * 1000

    def pause(pauses: random.Random) -> None:
        if think:
            time.sleep(pauses.expovariate(1.0 / think))

    def user(index: int) -> None:
        client = clients[index]
        steps = plan(cohort_ids, random.Random(index), start=index)
        pauses = random.Random(1000 + index)
        try:
            for step in itertools.islice(plan(cohort_ids, random.Random(500 + index)), len(PAGES)):
                pause(pauses)  # users arrive over a few seconds, not in the same millisecond
                problem, _, elapsed = fetch(client, step)
                with lock:
                    if problem is None:
                        result.warm_up.latencies_ms.append(elapsed)
                    else:
                        result.warm_up.errors += 1
            warmed.wait()
            gate.wait()
            assert budget is not None
            pause(pauses)  # and go on at their own pace, not all at once
            while budget.take():
                step = next(steps)
                problem, began, elapsed = fetch(client, step)
                with lock:
                    stats = result.pages[step.page]
                    if problem is None:
                        stats.latencies_ms.append(elapsed)
                        result.answered.append((began - load_began, step.page, elapsed))
                    else:
                        stats.errors += 1
                        if len(result.error_samples) < 5:
                            result.error_samples.append(f"{step.path}: {problem}")
                pause(pauses)
        finally:
            client.close()

    workers = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    warming = time.perf_counter()
    for worker in workers:
        worker.start()
    warmed.wait()
    result.warm_up_seconds = time.perf_counter() - warming
    console.print(f"  warm-up (each user opens each page once, unmeasured): {result.warm_up_seconds:.1f} s, "
                  f"p95 {percentile(result.warm_up.latencies_ms, 95):,.0f} ms, "
                  f"max {max(result.warm_up.latencies_ms, default=math.nan):,.0f} ms, "
                  f"{result.warm_up.errors} errors")
    budget = Budget(seconds, requests)
    began = load_began = time.perf_counter()
    cpu_began = time.process_time()
    gate.wait()
    for worker in workers:
        worker.join()
    result.seconds = time.perf_counter() - began
    result.client_cpu_share = (time.process_time() - cpu_began) / result.seconds


def cohort_members(package: Path) -> list[str]:
    """The nominal ids of everyone with an IOM episode in the package (sorted, distinct)."""
    import polars as pl

    frame = pl.read_csv(package / "cohort.csv", columns=["nominal_id"], infer_schema_length=0)
    return sorted(set(frame["nominal_id"].to_list()))


def bench_database(database: str, package: Path, args: argparse.Namespace, console: Console) -> RunResult:
    result = RunResult(database)
    password = secrets.token_urlsafe(18)
    console.rule(NAMES[database])
    try:
        env = prepare(database, package, args.data_dir, args.users, password, console)
        with Server(env, args.threads, Path(env["IOMHUB_DATA_DIR"]) / "serve.log", args.workers) as server:
            console.print(f"  iomhub serve answering on 127.0.0.1:{server.port} "
                          f"({args.workers} worker(s) x {args.threads} threads)")
            load(server.port, args.users, password, cohort_members(package), args.seconds, args.requests,
                 result, console, think=args.think_seconds)
        console.print(f"  {result.requests:,} requests in {result.seconds:.1f} s; the load generator used "
                      f"{result.client_cpu_share:.0%} of a core meanwhile")
    except PostgresUnavailable as reason:
        result.skipped = f"PostgreSQL unavailable: {reason}"
        console.print(f"[yellow]{result.skipped}[/]")
    except Exception as error:
        result.failure = str(error)
        console.print(f"[bold red]{NAMES[database]} failed:[/] {error}", highlight=False)
    finally:
        if database == "postgresql" and not args.keep and not result.skipped:
            try:
                drop_postgres_database()
            except Exception as error:
                console.print(f"[yellow]could not drop {BENCH_DATABASE}: {error}[/]")
    return result


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f}"


def summary_table(results: Sequence[RunResult], users: int, nominals: int) -> Table:
    """Pages down the side with their goal; per database: requests, errors, p50, p95, max (ms)."""
    table = Table(title=f"iomhub web on loopback: {users} concurrent users, {nominals:,} nominals "
                        "(latency in ms of the requests answered 200)")
    table.add_column("page")
    table.add_column("goal\np95 <", justify="right")
    for result in results:
        name = NAMES.get(result.database, result.database)
        for header in (f"{name}\nrequests", "errors", "p50", "p95", "max"):
            table.add_column(header, justify="right")
    for page in (*PAGES, "all"):
        row = [page if page in GOALS_MS else "all pages", f"{GOALS_MS[page]:g}" if page in GOALS_MS else ""]
        for result in results:
            if result.failure or result.skipped:
                row += ["-", "-", "-", "-", "-"]
                continue
            if page == "all":
                latencies = [ms for stats in result.pages.values() for ms in stats.latencies_ms]
                stats = PageStats(latencies, result.errors)
            else:
                stats = result.pages[page]
            row += [f"{stats.requests:,}", f"{stats.errors:,}", _ms(percentile(stats.latencies_ms, 50)),
                    _ms(percentile(stats.latencies_ms, 95)), _ms(max(stats.latencies_ms, default=math.nan))]
        table.add_row(*row)
    throughput = ["requests/s", ""]
    for result in results:
        throughput += ["-" if result.failure or result.skipped else f"{result.throughput:.1f}", "", "", "", ""]
    table.add_row(*throughput)
    return table


def parse_databases(text: str) -> list[str]:
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in NAMES]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"{text!r}: choose from sqlite,postgresql")
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=50, help="concurrent signed-in users (default 50)")
    parser.add_argument("--seconds", type=float, default=30.0, help="longest load, in seconds (default 30)")
    parser.add_argument("--requests", type=int, default=3000, help="most requests in all (default 3000)")
    parser.add_argument("--databases", type=parse_databases, default=["sqlite", "postgresql"],
                        help="comma-separated: sqlite,postgresql (default both)")
    parser.add_argument("--nominals", type=int, default=5000,
                        help="people in the synthetic package (default 5000: about 700 ever on IOM, "
                             "about 425 on the cohort list today)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker of iomhub serve (default 4)")
    parser.add_argument("--workers", type=int, default=4,
                        help="worker processes of iomhub serve (default 4: two per core of this machine)")
    parser.add_argument("--think-seconds", type=float, default=2.0,
                        help="each user's mean pause between pages (default 2; 0 = stress test)")
    parser.add_argument("--data-dir", type=Path, default=Path("bench-data"),
                        help="where the package, the SQLite database and the results go (default bench-data)")
    parser.add_argument("--keep", action="store_true", help=f"keep the PostgreSQL database {BENCH_DATABASE}")
    args = parser.parse_args(argv)
    for name in ("users", "requests", "nominals", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.seconds <= 0:
        parser.error("--seconds must be more than 0")
    args.data_dir = args.data_dir.resolve()

    console = Console() if sys.stdout.isatty() else Console(width=150)  # the table whole in a log
    package = ensure_package(args.data_dir, args.nominals, console)
    console.print(f"package {package}: {args.nominals:,} nominals, {len(cohort_members(package)):,} ever on IOM")
    results = [bench_database(database, package, args, console) for database in args.databases]
    console.print(summary_table(results, args.users, args.nominals))
    for result in results:
        for line in goal_lines(result):
            console.print(line, highlight=False)
        for sample in result.error_samples:
            console.print(f"  e.g. {sample}", markup=False, highlight=False)
    summary = [{"database": r.database, "seconds": r.seconds, "requests": r.requests, "errors": r.errors,
                "throughput_per_s": r.throughput, "login_seconds": r.login_seconds,
                "client_cpu_share": r.client_cpu_share, "failure": r.failure,
                "skipped": r.skipped, "pages": {page: stats.summary() for page, stats in r.pages.items()},
                "warm_up": {"seconds": r.warm_up_seconds, **r.warm_up.summary()},
                "answered": [[round(at, 3), page, round(ms, 1)] for at, page, ms in r.answered]}
               for r in results]
    settings = {"users": args.users, "seconds": args.seconds, "requests": args.requests,
                "nominals": args.nominals, "workers": args.workers, "threads": args.threads,
                "think_seconds": args.think_seconds}
    (args.data_dir / "web-results.json").write_text(
        json.dumps(_no_nan({"settings": settings, "results": summary}), indent=1) + "\n",
        encoding="utf-8")
    return 1 if any(r.failure for r in results) else 0


def _no_nan(value: Any) -> Any:
    """``value`` with every NaN (a figure of no requests) as None, which JSON can hold."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _no_nan(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_no_nan(item) for item in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
