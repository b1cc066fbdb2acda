"""gunicorn's settings: `gunicorn -c gunicorn.conf.py portal.wsgi`, as
`make run` and the Docker image start it. Each can be overridden from the
environment (GUNICORN_CMD_ARGS, or the names below)."""

import multiprocessing
import os

bind = os.getenv("BIND", "127.0.0.1:8000")
# Sync workers: a request is short and waits on PostgreSQL, and a process
# per request in flight is what gunicorn's docs advise, 2 × cores + 1.
workers = int(os.getenv("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# Load Django once, before forking: the workers share its memory.
preload_app = True
# A search takes well under a second; one that runs 30 s is stuck, and its
# worker is replaced. Workers finish what they serve when told to stop.
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Behind a proxy that keeps connections open to us.
keepalive = 5
# A worker is replaced after this many requests (jittered, so not all at
# once), which bounds whatever memory a long-lived process collects. Not
# often: a new worker starts with no kept pages (decisions.caching) and no
# database connection; at 2,000, a busy worker restarted every few seconds
# and those restarts were most of the load test's p99 (bench/load.sh).
max_requests = 50_000
max_requests_jitter = 5_000
# Heartbeats in memory, not on a disk that may stall (Docker's overlay).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# portal.middleware.RequestLog writes each request's line, with its id.
accesslog = None
errorlog = "-"
# The proxy in front that may say a request came over HTTPS.
forwarded_allow_ips = os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn 27's control socket is for a person at the machine; not needed.
control_socket_disable = True
