#!/usr/bin/env bash
# The project's own PostgreSQL server, used when DATABASE_URL is not set.
#
#   scripts/pg.sh up      install, initialise and start it if needed; create
#                         the database; print its DATABASE_URL
#   scripts/pg.sh url     print its DATABASE_URL
#   scripts/pg.sh status  say whether it runs
#   scripts/pg.sh stop    stop it (the data stays)
#   scripts/pg.sh psql    open psql on the database
#
# It listens on a unix socket in a directory of its own, never on TCP, so it
# cannot clash with another server whatever the port number; data and socket
# live under /tmp/oppna-beslut-<hash of this checkout>.
set -euo pipefail
. "$(dirname "$0")/common.sh"

PORT=5544
DB=oppna_beslut
DATA="$STATE/data"
SOCK="$STATE/sock"
LOG="$STATE/server.log"

bindir() {
    local initdb
    # A cluster runs only under the major version that made it.
    if [ -f "$DATA/PG_VERSION" ]; then
        initdb="/usr/lib/postgresql/$(cat "$DATA/PG_VERSION")/bin/initdb"
        [ -x "$initdb" ] || initdb=""
    else
        initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1)"
    fi
    [ -n "$initdb" ] && dirname "$initdb"
}

# as_owner CMD... -- run a server command as the user owning the cluster:
# PostgreSQL refuses to run as root, so root hands it to `postgres`.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

url() {
    # dj-database-url reads a percent-encoded socket directory as the host.
    printf 'postgres://postgres@%s:%s/%s\n' "${SOCK//\//%2F}" "$PORT" "$DB"
}

running() {
    local bin
    bin="$(bindir)" && [ -f "$DATA/PG_VERSION" ] &&
        as_owner "$bin/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

up() {
    local bin
    bin="$(bindir)" || {
        apt_install postgresql postgresql-contrib
        bin="$(bindir)" || die "initdb not found after installing postgresql"
    }
    # Concurrent `make` runs share one server; let one of them set it up.
    exec 9>"$STATE.pg.lock"
    flock 9

    if [ ! -f "$DATA/PG_VERSION" ]; then
        say "Initialising a private PostgreSQL cluster in $DATA"
        rm -rf "$STATE"
        mkdir -m 700 "$STATE"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$STATE"
        as_owner mkdir -m 700 "$DATA" "$SOCK"
        # C.UTF-8 keeps the server's own sorting locale-independent; Swedish
        # order comes from the ICU collation sv-SE-x-icu, which initdb imports.
        as_owner "$bin/initdb" --pgdata="$DATA" --username=postgres \
            --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1 ||
            { cat "$STATE/initdb.log" >&2; die "initdb failed"; }
        # Only the owner (and root) can enter $SOCK, so trust auth is safe.
        # The data is a throwaway copy of samples/ and test databases, so
        # durability is traded for speed.
        as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<CONF

# scripts/pg.sh
listen_addresses = ''
port = $PORT
unix_socket_directories = '$SOCK'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
# Search walks the newest rows of a common word's matches; the default 128MB
# sends most of those page reads through the OS (bench/search.py).
shared_buffers = 1GB
CONF
    fi

    if ! as_owner "$bin/pg_ctl" status -D "$DATA" >/dev/null 2>&1; then
        say "Starting the private PostgreSQL server (socket in $SOCK)"
        # 9>&-: the server must not inherit (and hold) the lock.
        as_owner "$bin/pg_ctl" start -D "$DATA" -l "$LOG" -w -t 60 >/dev/null 9>&- ||
            { tail -n 20 "$LOG" >&2; die "PostgreSQL did not start; see $LOG"; }
    fi

    local psql=("$bin/psql" -h "$SOCK" -p "$PORT" -U postgres -X -q -v ON_ERROR_STOP=1)
    if [ -z "$("${psql[@]}" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
        "${psql[@]}" -d postgres -c "CREATE DATABASE $DB"
    fi
    url
}

stop() {
    local bin
    if running; then
        bin="$(bindir)"
        as_owner "$bin/pg_ctl" stop -D "$DATA" -m fast -w >/dev/null
        say "Stopped the private PostgreSQL server"
    else
        say "The private PostgreSQL server is not running"
    fi
}

case "${1:-}" in
up) up ;;
url) url ;;
status)
    if running; then say "running: $(url)"; else say "not running"; exit 3; fi
    ;;
stop) stop ;;
psql) up >/dev/null && exec "$(bindir)/psql" "$(url)" ;;
*) die "usage: $0 up|url|status|stop|psql" ;;
esac
