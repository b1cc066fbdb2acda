"""Faults injected while the site serves and writers write; is the archive whole?

    .venv/bin/python bench/faults.py [--runs 2] [--seed 1] [--quick] [--keep]

Runs on a PostgreSQL server of its own (initdb'd afresh under
/tmp/oppna-faults-<hash>, a unix socket only, as scripts/pg.sh makes the
checkout's), never the machine's shared one, because it stops and stalls it.
Migrates, ingests generated minutes, withdraws one paragraph on purpose, starts
gunicorn (production settings) on a free port with two threads reading from
it, records every paragraph's address and its answer (200, or 410 for the one
withdrawn), then each run injects, in random order:

- kill-ingest: `manage.py ingest` of a folder, SIGKILLed at a random moment
  (then the folder ingested again, which must succeed);
- kill-publish: a clerk's upload and publish (decisions.services.publishing)
  of drafts, SIGKILLed at a random moment;
- stall: every server process SIGSTOPped for a few seconds, then SIGCONT,
  while an ingest and a publish run (both must then finish);
- stop: `pg_ctl stop` (fast or immediate) then `pg_ctl start`, while an
  ingest and a publish run (the folder is then ingested again, which must
  succeed);

and without a fault, two ingests of one folder and a publish of the same
minutes at once (all must succeed). After each step it checks with SQL that
every meeting is whole (its paragraphs, in order, are what its stored source
text parses to) and asks every recorded address again.

Prints its figures and ends with one JSON line: runs, faults (injected),
meetings_checked (summed over the checks), partial (meetings found not whole),
lost_addresses (recorded addresses that stopped answering as they did),
errors_5xx (answers 500-599, except a 503 during an outage: a 500 during an
outage counts, and so does a 503 outside one).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not __package__:  # run as a script: bench/ is on the path, the project not yet
    sys.path.insert(1, str(ROOT))
from bench.generate import protocol_text  # noqa: E402

PYTHON = sys.executable
PORT = 5546
DATABASE = "oppna_faults"
# Boards the generated minutes belong to (the publish worker needs them there).
NAMNDER = [
    ("Sjöbacka kommun", "Kommunstyrelsen"),
    ("Sjöbacka kommun", "Tekniska nämnden"),
    ("Norrvikens kommun", "Socialnämnden"),
    ("Ålunda kommun", "Kultur- och fritidsnämnden"),
]
# gunicorn's workers, and the checks' requests at once.
WORKERS = 3
WITHDRAWN_REASON = "Återkallad på prov av bench/faults.py"


STARTED = time.monotonic()


def say(message: str) -> None:
    elapsed = time.monotonic() - STARTED
    print(f"{elapsed:6.1f} s  {message}", file=sys.stderr, flush=True)


# -- the private server ------------------------------------------------------------


class Server:
    """A PostgreSQL cluster of our own, made afresh: we may stop and stall it."""

    def __init__(self) -> None:
        key = f"{os.getuid()}:{ROOT}".encode()
        self.state = Path(f"/tmp/oppna-faults-{hashlib.sha256(key).hexdigest()[:10]}")
        self.data = self.state / "data"
        self.sock = self.state / "sock"
        self.log = self.state / "server.log"
        found = sorted(
            Path("/usr/lib/postgresql").glob("*/bin/initdb"),
            key=lambda p: int(p.parent.parent.name),
        )
        if not found:
            raise SystemExit("initdb not found: run `make test` once (scripts/pg.sh)")
        self.bin = found[-1].parent

    def _owner(self, *command: str) -> list[str]:
        # PostgreSQL refuses to run as root; root hands it to `postgres`.
        if os.getuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return list(command)

    def _run(self, *command: str) -> None:
        subprocess.run(
            self._owner(*command), cwd="/", check=True, capture_output=True, text=True
        )

    @property
    def url(self) -> str:
        host = str(self.sock).replace("/", "%2F")
        return f"postgres://postgres@{host}:{PORT}/{DATABASE}"

    def create(self) -> None:
        self.destroy()
        self.state.mkdir(mode=0o700)
        if os.getuid() == 0:
            shutil.chown(self.state, "postgres", "postgres")
        self._run("mkdir", "-m", "700", str(self.data), str(self.sock))
        self._run(
            str(self.bin / "initdb"),
            f"--pgdata={self.data}",
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        conf = (
            "\n# bench/faults.py\n"
            "listen_addresses = ''\n"
            f"port = {PORT}\n"
            f"unix_socket_directories = '{self.sock}'\n"
            "unix_socket_permissions = 0700\n"
            # A crash (stop -m immediate) recovers from the WAL; only an OS
            # crash needs fsync, and there is none here.
            "fsync = off\n"
            "full_page_writes = off\n"
            "max_connections = 60\n"
        )
        with (self.data / "postgresql.conf").open("a") as file:
            file.write(conf)
        self.start()
        subprocess.run(
            [str(self.bin / "createdb"), "-h", str(self.sock), "-p", str(PORT)]
            + ["-U", "postgres", DATABASE],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "start", "-D", str(self.data),
            "-l", str(self.log), "-w", "-t", "60",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", mode)

    def running(self) -> bool:
        done = subprocess.run(
            self._owner(str(self.bin / "pg_ctl"), "status", "-D", str(self.data)),
            cwd="/",
            capture_output=True,
        )
        return done.returncode == 0

    def pids(self) -> list[int]:
        """The postmaster and every process it forked (the backends)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def signal(self, number: int) -> None:
        for pid in self.pids():
            try:
                os.kill(pid, number)
            except ProcessLookupError:
                pass

    def destroy(self) -> None:
        if (self.data / "PG_VERSION").exists() and self.running():
            self.signal(signal.SIGCONT)
            self.stop("immediate")
        shutil.rmtree(self.state, ignore_errors=True)


# -- the web server and its readers ----------------------------------------------


@dataclass
class Answer:
    path: str
    started: float
    ended: float
    status: int  # 0: no answer (refused, reset or timed out)


@dataclass
class Outages:
    """When the database was stopped or stalled: [start, end] (end None: still)."""

    spans: list[tuple[float, float | None]] = field(default_factory=list)

    def begin(self) -> None:
        self.spans.append((time.monotonic(), None))

    def end(self) -> None:
        start, _ = self.spans[-1]
        self.spans[-1] = (start, time.monotonic())

    def during(self, answer: Answer) -> bool:
        return any(
            answer.started <= (end if end is not None else float("inf"))
            and answer.ended >= start
            for start, end in self.spans
        )


def counted_errors(answers: list[Answer], outages: Outages) -> list[Answer]:
    """The 5xx answers that are errors: all but a 503 while the database was
    out (a 500 then counts, and so does a 503 when it was not)."""
    return [
        a
        for a in answers
        if a.status >= 500 and not (a.status == 503 and outages.during(a))
    ]


def get(base: str, path: str, answers: list[Answer], timeout: float = 20) -> int:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (OSError, urllib.error.URLError):
        status = 0
    answers.append(Answer(path, started, time.monotonic(), status))
    return status


class Readers:
    """Threads asking the site for pages all along, as readers do."""

    def __init__(self, base: str, paths: list[str], threads: int = 2) -> None:
        self.base = base
        self.paths = paths
        self.answers: list[Answer] = []
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._read, args=(n,), daemon=True)
            for n in range(threads)
        ]

    def _read(self, n: int) -> None:
        rng = random.Random(n)
        while not self.stopping.is_set():
            get(self.base, rng.choice(self.paths), self.answers)
            # Steady reading, not a load test: the checks need the workers too.
            self.stopping.wait(0.1)

    def __enter__(self) -> Readers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- writers as processes of their own ---------------------------------------------


class Minutes:
    """Generated minutes, each a new meeting of one of BOARDS."""

    def __init__(self, work: Path, rng: random.Random, paragrafer: int) -> None:
        self.work = work
        self.rng = rng
        self.paragrafer = paragrafer
        self.count = 0

    def folder(self, files: int, name: str) -> tuple[Path, list[dict]]:
        """A folder of new minutes, and their manifest for the publish worker."""
        folder = self.work / name
        folder.mkdir()
        manifest = []
        for _ in range(files):
            self.count += 1
            kommun, namnd = NAMNDER[self.count % len(NAMNDER)]
            date = datetime.date(2020, 1, 1) + datetime.timedelta(days=self.count)
            size = self.rng.randint(max(1, self.paragrafer // 2), self.paragrafer)
            text = protocol_text(size, seed=self.count, namnd=namnd, date=date)
            text = kommun + text[text.index("\n") :]
            path = folder / f"protokoll-{self.count:04d}.txt"
            path.write_text(text)
            manifest.append(
                {"path": str(path), "kommun": kommun, "namnd": namnd, "date": str(date)}
            )
        (folder.parent / f"{name}.json").write_text(json.dumps(manifest))
        return folder, manifest


class Writers:
    """Start ingest and publish processes, each in a session of its own so that
    a SIGKILL takes its sandbox children too."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.running: list[subprocess.Popen] = []

    def start(self, *args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [PYTHON, *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.running.append(process)
        return process

    def ingest(self, folder: Path) -> subprocess.Popen:
        return self.start("manage.py", "ingest", str(folder))

    def publish(self, manifest: Path) -> subprocess.Popen:
        return self.start(str(Path(__file__)), "--publish-worker", str(manifest))

    def kill(self, process: subprocess.Popen) -> bool:
        """SIGKILL the process and its children; whether it was still running."""
        alive = process.poll() is None
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        return alive

    def finish(self, process: subprocess.Popen) -> tuple[int, str, str]:
        out, err = process.communicate(timeout=300)
        return process.returncode, out, err

    def kill_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                self.kill(process)


def publish_worker(manifest: Path) -> None:
    """Upload and publish each of the manifest's minutes as a clerk would.

    Exits 0 when each was published or refused with a clerk's message (the
    meeting already there, say); anything else is a failure."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.contrib.auth import get_user_model

    from decisions.models import Namnd
    from decisions.services import publishing

    user, _ = get_user_model().objects.get_or_create(
        username="faults-clerk", defaults={"is_staff": True}
    )
    for item in json.loads(manifest.read_text()):
        path = Path(item["path"])
        namnd = Namnd.objects.select_related("municipality").get(
            municipality__name=item["kommun"], name=item["namnd"]
        )
        try:
            upload = publishing.upload_protocol(
                user=user,
                namnd=namnd,
                meeting_date=datetime.date.fromisoformat(item["date"]),
                name=path.name,
                data=path.read_bytes(),
            )
            publishing.publish(upload, user=user)
            print(f"{path.name}: published", flush=True)
        except publishing.UploadError as error:
            print(f"{path.name}: refused: {error}", flush=True)


# -- the checks --------------------------------------------------------------------

_parsed: dict[str, list[str]] = {}


def check_meetings() -> tuple[int, dict[int, str]]:
    """Every meeting, and those not whole: whose paragraphs, in order, are not
    the numbers its stored source text parses to."""
    from django.db import connection

    from decisions.parser import ParseError, parse_protocol

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT m.id, m.source_name, m.source_sha256, m.source_text,
                   coalesce(array_agg(p.number ORDER BY p.position)
                            FILTER (WHERE p.id IS NOT NULL), '{}')
            FROM decisions_meeting m
            LEFT JOIN decisions_paragraf p ON p.meeting_id = m.id
            GROUP BY m.id
            """
        )
        rows = cursor.fetchall()
    partial = {}
    for pk, name, sha256, text, stored in rows:
        if sha256 not in _parsed:
            try:
                found = parse_protocol(text, source=name).paragrafer
                _parsed[sha256] = [p.number for p in found]
            except ParseError:
                _parsed[sha256] = []
        if list(stored) != _parsed[sha256]:
            partial[pk] = (
                f"meeting {pk} ({name}): {len(stored)} paragraphs stored, "
                f"{len(_parsed[sha256])} in its source"
            )
    return len(rows), partial


def record_addresses(base: str, answers: list[Answer]) -> dict[str, int]:
    """Every paragraph's address and how it answers now: 200, or 410 withdrawn."""
    from decisions.models import Paragraf

    recorded: dict[str, int] = {}
    rows = Paragraf.objects.select_related("meeting__namnd__municipality")
    for paragraf in rows.only(
        "number",
        "meeting__slug",
        "meeting__namnd__slug",
        "meeting__namnd__municipality__slug",
    ):
        recorded[paragraf.get_absolute_url()] = 0
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        statuses = pool.map(lambda path: get(base, path, answers), list(recorded))
        recorded = dict(zip(recorded, statuses, strict=True))
    return {path: status for path, status in recorded.items() if status in (200, 410)}


def lost_addresses(
    base: str, recorded: dict[str, int], answers: list[Answer]
) -> dict[str, str]:
    """Recorded addresses that no longer answer as they did. An outage's
    answers (none, or 5xx) are asked again for a while: lost is for good."""

    def ask(item: tuple[str, int]) -> tuple[str, str] | None:
        path, expected = item
        for _ in range(40):
            status = get(base, path, answers)
            if status == expected or (status and status < 500):
                break
            time.sleep(0.25)
        if status != expected:
            return path, f"{path}: {status or 'no answer'}, was {expected}"
        return None

    # As many at once as gunicorn has workers.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return dict(found for found in pool.map(ask, recorded.items()) if found)


def wait_ready(base: str, answers: list[Answer]) -> None:
    for _ in range(200):
        if get(base, "/readyz", answers, timeout=5) == 200:
            return
        time.sleep(0.1)
    raise SystemExit("the site never got ready")


# -- the run -----------------------------------------------------------------------


@dataclass
class Tally:
    runs: int = 0
    faults: int = 0
    meetings_checked: int = 0
    # Each meeting or address once, however many checks find it.
    partial: set[int] = field(default_factory=set)
    lost_addresses: set[str] = field(default_factory=set)
    writer_failures: int = 0
    notes: list[str] = field(default_factory=list)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.server = Server()
        self.work = Path(tempfile.mkdtemp(prefix="oppna-faults-"))
        self.minutes = Minutes(self.work, self.rng, paragrafer=4)
        # --quick (the suite's run): fewer files, shorter waits, same faults.
        self.files = 2 if args.quick else 4
        self.pace = 0.5 if args.quick else 1.0
        self.tally = Tally()
        self.outages = Outages()
        self.checks: list[Answer] = []
        self.steps = 0

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(
            DATABASE_URL=self.server.url,
            MEDIA_ROOT=str(self.work / "media"),
            STATIC_ROOT=str(self.work / "static"),
            PAGE_CACHE_DIR=str(self.work / "pages"),
            LOG_LEVEL="WARNING",
            **extra,
        )
        return env

    def manage(self, *args: str, **extra: str) -> None:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**extra),
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")

    def prepare(self) -> None:
        say(f"Private PostgreSQL in {self.server.state}")
        self.server.create()
        os.environ.update(self.env())
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        say("Migrating")
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        folder, _ = self.minutes.folder(self.files, "seed")
        say("Ingesting the first minutes")
        self.manage("ingest", str(folder))

        say("Withdrawing one paragraph on purpose")
        import django

        django.setup()
        from django.contrib.auth import get_user_model

        from decisions.models import Paragraf
        from decisions.services.withdrawal import paragraf_withdraw

        user, _ = get_user_model().objects.get_or_create(
            username="faults-clerk", defaults={"is_staff": True}
        )
        first = Paragraf.objects.order_by("pk")[:1]
        paragraf_withdraw(
            paragrafer=Paragraf.objects.filter(pk__in=first),
            reason=WITHDRAWN_REASON,
            user=user,
        )

    def serve(self) -> subprocess.Popen:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        key = hashlib.sha256(os.urandom(32)).hexdigest()
        env = self.env(
            DJANGO_ENV="production",
            DEBUG="false",
            HTTPS_ONLY="false",
            SECRET_KEY=f"faults-{key}",
            ALLOWED_HOSTS="127.0.0.1",
            RATELIMIT_SEARCH="",
            RATELIMIT_API="",
            BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=str(WORKERS),
        )
        say(f"Starting gunicorn on {self.base}")
        self.gunicorn_log = (self.work / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
            + ["portal.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self.gunicorn_log,
            stderr=subprocess.STDOUT,
        )
        # Its refusals before it listens are no reader's.
        wait_ready(self.base, [])
        return server

    def check(self, step: str) -> None:
        from django.db import connections

        self.steps += 1
        connections.close_all()  # the server may have restarted since
        checked, partial = check_meetings()
        self.tally.meetings_checked += checked
        self.tally.partial |= set(partial)
        lost = lost_addresses(self.base, self.recorded, self.checks)
        self.tally.lost_addresses |= set(lost)
        found = [*partial.values(), *lost.values()]
        self.tally.notes += [f"{step}: {line}" for line in found]
        say(
            f"  {step}: {checked} meetings, {len(partial)} not whole; "
            f"{len(self.recorded)} addresses, {len(lost)} lost"
        )

    def pause(self, shortest: float, longest: float) -> None:
        """Wait a random while: when the fault strikes, or how long it lasts."""
        time.sleep(self.pace * self.rng.uniform(shortest, longest))

    def record(self) -> dict[str, int]:
        from django.db import connections

        connections.close_all()
        return record_addresses(self.base, self.checks)

    def writer_done(self, step: str, process: subprocess.Popen, *, must: bool) -> None:
        code, out, err = self.writers.finish(process)
        if must and code != 0:
            self.tally.writer_failures += 1
            tail = (err.strip().splitlines() or [""])[-1]
            self.tally.notes.append(f"{step}: a writer failed ({code}): {tail}")

    # The faults: each leaves the writers it started finished or killed.

    def kill_ingest(self, run: int) -> None:
        # Enough files that the kill finds it at work (starting takes ~1 s).
        folder, _ = self.minutes.folder(3 * self.files, f"r{run}-kill-ingest")
        process = self.writers.ingest(folder)
        self.pause(0.3, 2.0)
        if self.writers.kill(process):
            self.tally.faults += 1
        # What the killed one left undone, a second ingest does.
        self.writer_done("kill-ingest", self.writers.ingest(folder), must=True)

    def kill_publish(self, run: int) -> None:
        folder, _ = self.minutes.folder(3 * self.files, f"r{run}-kill-publish")
        process = self.writers.publish(folder.parent / f"{folder.name}.json")
        self.pause(0.3, 2.0)
        if self.writers.kill(process):
            self.tally.faults += 1

    def _writers_beside(self, run: int, name: str):
        folder, _ = self.minutes.folder(self.files, f"r{run}-{name}")
        other, _ = self.minutes.folder(self.files, f"r{run}-{name}-publish")
        ingest = self.writers.ingest(folder)
        publish = self.writers.publish(other.parent / f"{other.name}.json")
        return folder, ingest, publish

    def stall(self, run: int) -> None:
        _, ingest, publish = self._writers_beside(run, "stall")
        self.pause(0.5, 2.0)
        self.outages.begin()
        self.server.signal(signal.SIGSTOP)
        self.tally.faults += 1
        self.pause(1.0, 4.0)
        self.server.signal(signal.SIGCONT)
        self.outages.end()
        self.writer_done("stall", ingest, must=True)
        self.writer_done("stall", publish, must=True)

    def stop(self, run: int) -> None:
        folder, ingest, publish = self._writers_beside(run, "stop")
        self.pause(0.5, 2.0)
        mode = self.rng.choice(["fast", "immediate"])
        self.outages.begin()
        self.server.stop(mode)
        self.tally.faults += 1
        self.pause(0.5, 3.0)
        self.server.start()
        self.outages.end()
        # Writers that met the outage may have failed; they must not have
        # left anything half-written, and the folder must go in again.
        self.writer_done("stop", ingest, must=False)
        self.writer_done("stop", publish, must=False)
        self.writer_done("stop", self.writers.ingest(folder), must=True)

    def concurrent(self, run: int) -> None:
        folder, manifest = self.minutes.folder(self.files, f"r{run}-concurrent")
        listed = self.work / f"r{run}-concurrent.json"
        started = [
            self.writers.ingest(folder),
            self.writers.ingest(folder),
            self.writers.publish(listed),
        ]
        for process in started:
            self.writer_done("concurrent", process, must=True)

    def run(self) -> None:
        self.writers = Writers(self.env())
        server = None
        try:
            self.prepare()
            server = self.serve()
            self.recorded = self.record()
            withdrawn = sum(1 for s in self.recorded.values() if s == 410)
            say(
                f"{len(self.recorded)} addresses recorded "
                f"({withdrawn} withdrawn on purpose)"
            )
            paths = ["/", *self.recorded]
            with Readers(self.base, paths) as readers:
                for run in range(1, self.args.runs + 1):
                    say(f"Run {run}")
                    steps = [self.kill_ingest, self.kill_publish, self.stall, self.stop]
                    self.rng.shuffle(steps)
                    for step in [*steps, self.concurrent]:
                        step(run)
                        self.check(step.__name__.replace("_", "-"))
                    self.tally.runs += 1
                    if run < self.args.runs:
                        # The next run's faults must keep this run's addresses.
                        self.recorded |= self.record()
                        readers.paths[:] = ["/", *self.recorded]
            say("Readers stopped")
            self.report(readers.answers)
        finally:
            say("Stopping")
            self.writers.kill_all()
            if server is not None:
                server.terminate()
                server.wait(timeout=60)
                say("Stopped gunicorn")
            if not self.args.keep:
                self.server.destroy()
                shutil.rmtree(self.work, ignore_errors=True)

    def report(self, reading: list[Answer]) -> None:
        answers = reading + self.checks
        during = [a for a in answers if self.outages.during(a)]
        outside = [a for a in answers if not self.outages.during(a)]
        errors = counted_errors(answers, self.outages)
        tally = self.tally
        print(f"runs {tally.runs}, faults injected {tally.faults}")
        print(
            f"meetings checked {tally.meetings_checked} (over {self.steps} checks), "
            f"meetings found not whole {len(tally.partial)}"
        )
        print(
            f"addresses recorded {len(self.recorded)}, lost {len(tally.lost_addresses)}"
        )
        print(f"writers that should have succeeded and failed: {tally.writer_failures}")
        for label, group in (("during outages", during), ("otherwise", outside)):
            statuses: dict[int, int] = {}
            for answer in group:
                statuses[answer.status] = statuses.get(answer.status, 0) + 1
            shown = ", ".join(
                f"{status or 'no answer'}: {n}"
                for status, n in sorted(statuses.items())
            )
            print(f"answers {label}: {len(group)} ({shown})")
        slowest = max((a.ended - a.started for a in during), default=0.0)
        print(f"slowest answer during an outage: {slowest:.1f} s")
        print(f"5xx counted as errors: {len(errors)}")
        for note in tally.notes[:20]:
            print(f"  {note}")
        print(
            json.dumps(
                {
                    "runs": tally.runs,
                    "faults": tally.faults,
                    "meetings_checked": tally.meetings_checked,
                    "partial": len(tally.partial),
                    "lost_addresses": len(tally.lost_addresses),
                    "errors_5xx": len(errors),
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="rounds of the faults")
    parser.add_argument(
        "--quick", action="store_true", help="fewer files, shorter waits (the tests)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--keep", action="store_true", help="keep the server and files afterwards"
    )
    parser.add_argument("--publish-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    # Stopped by a signal, it still stops its server and gunicorn (finally:).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.publish_worker:
        publish_worker(args.publish_worker)
        return
    Bench(args).run()


if __name__ == "__main__":
    main()
