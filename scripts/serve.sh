#!/usr/bin/env bash
# The site's processes: gunicorn, and beside it the task queue's worker
# (`manage.py procrastinate worker`, which keeps the archive download
# current: decisions/tasks.py). Run it with DATABASE_URL set (make run calls
# it through scripts/with-db.sh; the Docker image after its migrate).
#
#   scripts/serve.sh        start both; stay in the foreground until either
#                           ends (or Ctrl-C, or `serve.sh stop`), then stop the
#                           other
#   scripts/serve.sh stop   stop the ones running (make stop, before the
#                           database, so no request meets a stopped server)
#
# Their process ids are kept in $SERVE_STATE (default: the checkout's state
# folder of scripts/common.sh, beside the private PostgreSQL), so `stop`
# from another terminal finds them. SERVE_WORKER=off starts gunicorn alone
# (compose runs the worker as a service of its own).
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$REPO"

RUN="${SERVE_STATE:-$STATE/serve}"
# How long a process may take to finish what it does when told to stop:
# gunicorn's graceful_timeout is 30 s, and a rebuild of the download is
# tried again by the queue if it is cut off.
STOP_SECONDS=40

bin() {
    if [ -x ".venv/bin/$1" ]; then echo ".venv/bin/$1"; else command -v "$1"; fi
}

# alive PIDFILE WORD -- print the pid in PIDFILE if that process runs and
# its command line holds WORD (so a reused pid is never signalled).
alive() {
    local pid
    [ -f "$1" ] || return 1
    pid="$(cat "$1" 2>/dev/null)" || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
    echo "$pid"
}

# running PID -- whether the process still runs. A zombie does not: it has
# ended, and waits only for its parent to read its status, which for a
# server left behind by a killed serve.sh is init, and never, where init
# reads none (a container's first process may not).
running() {
    local state
    state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
    [ -n "$state" ] && [ "$state" != Z ]
}

# halt PIDFILE WORD NAME -- send TERM and wait until the process is gone.
halt() {
    local pid waited=0
    pid="$(alive "$1" "$2")" || { rm -f "$1"; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    while running "$pid"; do
        if [ "$waited" -ge $((STOP_SECONDS * 10)) ]; then
            say "$3 (pid $pid) did not stop in $STOP_SECONDS s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -f "$1"
    say "Stopped $3 (pid $pid)"
}

stop() {
    # The web server first: no request should find it up and the rest down.
    halt "$RUN/gunicorn.pid" gunicorn "the web server"
    halt "$RUN/worker.pid" procrastinate "the task worker"
}

run() {
    mkdir -p "$RUN"
    if alive "$RUN/gunicorn.pid" gunicorn >/dev/null; then
        die "the web server already runs (pid $(cat "$RUN/gunicorn.pid")); scripts/serve.sh stop"
    fi
    local python gunicorn pids=()
    python="$(bin python)" && gunicorn="$(bin gunicorn)" || die "no python or gunicorn"
    if [ "${SERVE_WORKER:-on}" != "off" ]; then
        "$python" manage.py procrastinate worker &
        echo $! >"$RUN/worker.pid"
        pids+=($!)
    fi
    # gunicorn writes its own pid file and removes it when it stops.
    "$gunicorn" -c gunicorn.conf.py --pid "$RUN/gunicorn.pid" portal.wsgi &
    pids+=($!)
    # Ctrl-C, `docker stop` (TERM to this script) or either one ending: stop both.
    trap 'stop; exit 0' INT TERM
    local status=0
    wait -n "${pids[@]}" || status=$?
    stop
    exit "$status"
}

case "${1:-run}" in
run) run ;;
stop) stop ;;
*) die "usage: $0 [run|stop]" ;;
esac
