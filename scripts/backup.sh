#!/usr/bin/env bash
# Back up the archive, or restore it: the database (pg_dump's custom format,
# every table, index and text search configuration) and the uploaded protocol
# files (MEDIA_ROOT). The archive download (OPEN_DATA_DIR) is not kept: it is
# made again from the database by `manage.py dump_archive`.
#
#   scripts/backup.sh backup [DIR]   write DIR (default backups/<UTC time>/):
#                                    database.dump, media.tar.gz, SHA256SUMS
#   scripts/backup.sh restore DIR    check DIR's sums, restore the database into
#                                    DATABASE_URL's (empty, or replaced object by
#                                    object) and the files into MEDIA_ROOT
#
# DATABASE_URL names the database (`make backup` and `make restore` set the
# private server's when it is unset); MEDIA_ROOT defaults to media/.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$REPO"

: "${DATABASE_URL:?DATABASE_URL names the database}"
MEDIA_ROOT="${MEDIA_ROOT:-$REPO/media}"

# The newest client tools installed: pg_dump refuses a server newer than itself.
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
[ -n "$bin" ] || die "PostgreSQL's client tools are missing (Debian: postgresql-client)"

# libpq reads a URL itself; dj-database-url's percent-encoded socket directory
# as the host is libpq's own spelling too.
url="${DATABASE_URL/#postgis:/postgres:}"

backup() {
    local dir="${1:-backups/$(date -u +%Y-%m-%dT%H%M%SZ)}"
    mkdir -p "$dir"
    say "Dumping the database to $dir/database.dump"
    "$bin/pg_dump" --format=custom --compress=6 --no-owner --no-privileges \
        --file="$dir/database.dump" "$url"
    say "Packing the uploaded files ($MEDIA_ROOT) to $dir/media.tar.gz"
    if [ -d "$MEDIA_ROOT" ]; then
        tar --create --gzip --file="$dir/media.tar.gz" --directory="$MEDIA_ROOT" \
            --exclude=./open-data .
    else
        tar --create --gzip --file="$dir/media.tar.gz" --files-from=/dev/null
    fi
    (cd "$dir" && sha256sum database.dump media.tar.gz >SHA256SUMS)
    say "Backup written: $dir ($(du -sh "$dir" | cut -f1))"
    printf '%s\n' "$dir"
}

restore() {
    local dir="${1:?which backup directory to restore}"
    [ -f "$dir/SHA256SUMS" ] || die "$dir has no SHA256SUMS: not a backup"
    (cd "$dir" && sha256sum --check --quiet SHA256SUMS) ||
        die "$dir does not match its SHA256SUMS: the backup is damaged"
    say "Restoring the database from $dir/database.dump"
    # --clean --if-exists: a database holding an older copy is replaced object
    # by object; an empty one is filled. One transaction: all or nothing.
    "$bin/pg_restore" --clean --if-exists --no-owner --no-privileges \
        --single-transaction --exit-on-error --dbname="$url" "$dir/database.dump"
    say "Restoring the uploaded files into $MEDIA_ROOT"
    mkdir -p "$MEDIA_ROOT"
    tar --extract --gzip --file="$dir/media.tar.gz" --directory="$MEDIA_ROOT"
    say "Restored $dir"
}

case "${1:-}" in
backup) backup "${2:-}" ;;
restore) restore "${2:-}" ;;
*) die "usage: scripts/backup.sh backup [DIR] | restore DIR" ;;
esac
