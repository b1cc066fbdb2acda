#!/usr/bin/env bash
# How much reading traffic one machine serves: gunicorn (gunicorn.conf.py,
# production settings) on 127.0.0.1 over the generated archive of
# bench/search.py, driven by wrk (Debian's package) from the same machine.
#
#   scripts/with-db.sh bench/load.sh [--paragraphs 1000000] [--seconds 30]
#                                    [--connections 10]
#
# Four runs of --seconds each, after a warm-up (bench/load.lua says what each
# asks for): the mixed reading load (pages, searches, feeds, API) without and
# with the cache headers honoured (If-None-Match, as a browser or CDN sends),
# paragraph pages alone, and whitenoise serving a static file as large as a
# paragraph page (the ceiling). Each is bounded by `timeout`. Prints each
# run's requests per second, p50, p99 and errors, and last one JSON object:
# rps_mixed, p99_mixed_ms, rps_cached, p99_cached_ms, rps_paragraph,
# p99_paragraph_ms, rps_static, p99_static_ms, paragraph_static_ratio,
# cached_mixed_ratio, errors, workers, connections, seconds.
set -euo pipefail
. "$(dirname "$0")/../scripts/common.sh"
cd "$REPO"

paragraphs=1000000 seconds=30 connections=10
while [ $# -gt 0 ]; do
    case "$1" in
    --paragraphs) paragraphs="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    *) die "unknown argument $1" ;;
    esac
done
: "${DATABASE_URL:?run through scripts/with-db.sh, or set DATABASE_URL}"
command -v wrk >/dev/null || apt_install wrk

work="$(mktemp -d /tmp/oppna-load-XXXXXX)"
port=8765
export STATIC_ROOT="$work/static" LOAD_URLS="$work/urls.txt"
LOG_LEVEL=WARNING RATELIMIT_SEARCH= RATELIMIT_API= .venv/bin/python bench/load_prepare.py --paragraphs "$paragraphs" --out "$work"

# Production settings, minus what needs a real host: HTTPS, and rate limits
# (every request comes from 127.0.0.1).
env_file="$work/env"
set -a
. "$env_file"
set +a
export DJANGO_ENV=production DEBUG=false HTTPS_ONLY=false \
    SECRET_KEY="load-test-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')" \
    ALLOWED_HOSTS=127.0.0.1 RATELIMIT_SEARCH= RATELIMIT_API= \
    BIND="127.0.0.1:$port" CONN_MAX_AGE=600 LOG_LEVEL=INFO
workers="${WEB_CONCURRENCY:-$(($(nproc) * 2 + 1))}"
.venv/bin/gunicorn -c gunicorn.conf.py portal.wsgi >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break
    sleep 0.2
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" || {
    tail -n 30 "$work/server.log" >&2
    die "gunicorn did not get ready"
}

run() { # MODE SECONDS: one wrk run, its RESULT line
    LOAD_MODE="$1" timeout "$(($2 + 30))" wrk -t1 -c"$connections" -d"$2s" \
        --timeout 10s --latency -s bench/load.lua "http://127.0.0.1:$port" |
        tee -a "$work/wrk.log" | sed -n 's/^RESULT //p'
}

say "Warming up (10 s of the mixed load)"
run mixed 10 >/dev/null
results=()
for mode in mixed conditional paragraph static; do
    say "Running $mode for ${seconds}s with $connections connections, $workers workers"
    results+=("$(run "$mode" "$seconds")")
done

.venv/bin/python - "$workers" "$connections" "$seconds" "${results[@]}" <<'PY'
import json
import sys

workers, connections, seconds = map(int, sys.argv[1:4])
runs = {r["mode"]: r for r in map(json.loads, sys.argv[4:])}
print(f"{'run':<12}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}{'errors':>8}")
for mode, r in runs.items():
    errors = r["errors"] + r["bad_status"]
    print(
        f"{mode:<12}{r['rps']:>10.1f}{r['p50_ms']:>10.1f}{r['p99_ms']:>10.1f}"
        f"{r['max_ms']:>10.1f}{errors:>8}"
    )
ratio = runs["paragraph"]["rps"] / runs["static"]["rps"]
cached = runs["conditional"]["rps"] / runs["mixed"]["rps"]
print(f"paragraph pages / static file: {ratio:.2f} (target ≥ 0.30)")
print(f"mixed load, cache headers honoured / not: {cached:.2f}")
print(
    json.dumps(
        {
            "rps_mixed": runs["mixed"]["rps"],
            "p99_mixed_ms": runs["mixed"]["p99_ms"],
            "rps_cached": runs["conditional"]["rps"],
            "p99_cached_ms": runs["conditional"]["p99_ms"],
            "rps_paragraph": runs["paragraph"]["rps"],
            "p99_paragraph_ms": runs["paragraph"]["p99_ms"],
            "rps_static": runs["static"]["rps"],
            "p99_static_ms": runs["static"]["p99_ms"],
            "paragraph_static_ratio": round(ratio, 3),
            "cached_mixed_ratio": round(cached, 3),
            "errors": sum(r["errors"] + r["bad_status"] for r in runs.values()),
            "workers": workers,
            "connections": connections,
            "seconds": seconds,
        }
    )
)
PY
