#!/usr/bin/env bash
# The read replica's start (docker compose --profile replica): the first time,
# copy the primary with pg_basebackup (its own replication slot, so the
# primary keeps the WAL the replica still needs); then run as a hot standby
# that streams every change from it and answers read-only queries.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready --host=db --username="$POSTGRES_USER" --quiet; do sleep 1; done
    pg_basebackup --host=db --username="$POSTGRES_USER" --pgdata="$PGDATA" \
        --write-recovery-conf --wal-method=stream --checkpoint=fast \
        --create-slot --slot=replica1
    chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c shared_buffers="${PG_SHARED_BUFFERS:-1GB}"
