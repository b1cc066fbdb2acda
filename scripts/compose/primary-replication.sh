#!/usr/bin/env bash
# Run once by the postgres image when it creates the primary's database
# (docker-entrypoint-initdb.d): let the read replica (docker compose
# --profile replica) stream from it, with the same password as the site.
set -euo pipefail
echo "host replication ${POSTGRES_USER} all scram-sha-256" >>"$PGDATA/pg_hba.conf"
