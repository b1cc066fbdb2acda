#!/usr/bin/env bash
# Run a command with DATABASE_URL set: the caller's if given, otherwise the
# project's private server (started on demand by scripts/pg.sh).
set -euo pipefail
if [ -z "${DATABASE_URL:-}" ]; then
    DATABASE_URL="$("$(dirname "$0")/pg.sh" up)"
    export DATABASE_URL
fi
exec "$@"
