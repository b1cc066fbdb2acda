#!/usr/bin/env bash
# How much reading traffic one machine serves: gunicorn (gunicorn.conf.py,
# production settings) on 127.0.0.1 over the generated archive of
# bench/search.py, driven by wrk (Debian's package) from the same machine.
#
#   scripts/with-db.sh bench/load.sh [--paragraphs 1000000] [--seconds 30]
#                                    [--connections 10]
#
# Runs of --seconds each (bench/load.lua says what each asks for), on two
# servers in turn, each warmed up first:
# - "rendered" (PAGE_CACHE=off: every response rendered, the long tail of a
#   big archive): the mixed reading load (pages, searches, feeds, API) at 2,
#   4 and --connections connections, for the highest rate whose p99 stays
#   under 250 ms; at --connections, the same with the cache headers honoured
#   (If-None-Match, as a browser or CDN sends), and paragraph pages alone;
# - "kept" (workers keep what they rendered, decisions.caching: popular pages
#   on a news day): the mixed load, paragraph pages, and whitenoise serving a
#   static file as large as a paragraph page (the ceiling).
# Each run is bounded by `timeout`. Prints each run's requests per second,
# p50, p99, max and errors, and last one JSON object: rps_mixed, p99_mixed_ms,
# best_rps_p99_under_250, rps_cached, p99_cached_ms, rps_paragraph,
# p99_paragraph_ms (rendered, at --connections), rps_mixed_kept,
# p99_mixed_kept_ms, rps_paragraph_kept, p99_paragraph_kept_ms, rps_static,
# p99_static_ms, paragraph_static_ratio (kept), paragraph_rendered_static_ratio,
# cached_mixed_ratio (rendered: honoured / not), errors, workers, connections,
# seconds, load_before, load_after (1-minute load averages), cpus.
#
# The machine may be shared: before anything starts and after the last run it
# prints the 1/5/15-minute load averages, the CPU count and the processes that
# used most CPU over one second, so a figure taken beside someone else's work
# says so. The load after includes this benchmark's own runs (they keep every
# CPU busy); the process list, taken once its servers are stopped, does not.
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

machine_load() { # WHEN: print the load; its 1-minute average on stdout
    local one five fifteen
    read -r one five fifteen _ </proc/loadavg
    say "Machine load $1: $one $five $fifteen (1, 5, 15 min) on $(nproc) CPUs;" \
        "busiest processes over 1 s:"
    # top's second sample: CPU share over the last second, not since start.
    top -b -n 2 -d 1 -o %CPU -w 200 |
        awk '/^top -/ { sample++ } sample == 2 && $1 == "PID" { list = 1; next }
             list && shown++ < 5 { printf "  %6s %%  %s (pid %s)\n", $9, $12, $1 }' >&2
    echo "$one"
}
load_before="$(machine_load "before")"

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
server=""
stop_server() {
    [ -n "$server" ] || return 0
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
}
trap stop_server EXIT

start_server() { # PAGE_CACHE: on (workers keep rendered pages) or off
    PAGE_CACHE="$1" .venv/bin/gunicorn -c gunicorn.conf.py portal.wsgi \
        >>"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && return
        sleep 0.2
    done
    tail -n 30 "$work/server.log" >&2
    die "gunicorn did not get ready"
}

run() { # LABEL MODE SECONDS CONNECTIONS: one wrk run, its RESULT line
    LOAD_MODE="$2" timeout "$(($3 + 30))" wrk -t1 -c"$4" -d"$3s" \
        --timeout 10s --latency -s bench/load.lua "http://127.0.0.1:$port" |
        tee -a "$work/wrk.log" |
        sed -n "s/^RESULT {/{\"label\": \"$1\", \"connections\": $4, /p"
}

results=()
# Every response rendered (PAGE_CACHE=off): what the long tail of a big
# archive costs, with and without the cache headers honoured.
start_server off
say "Rendered: warming up (10 s of the mixed load)"
run warm mixed 10 "$connections" >/dev/null
for plan in mixed:2 mixed:4 "mixed:$connections" "conditional:$connections" \
    "paragraph:$connections"; do
    mode="${plan%%:*}" at="${plan##*:}"
    say "Rendered: $mode for ${seconds}s with $at connections, $workers workers"
    results+=("$(run rendered "$mode" "$seconds" "$at")")
done
stop_server
# Each worker keeping what it rendered (decisions.caching): popular pages,
# as on a news day, against whitenoise serving a file of the same size.
start_server on
say "Kept: warming up (20 s of the mixed load)"
run warm mixed 20 "$connections" >/dev/null
for mode in mixed paragraph static; do
    say "Kept: $mode for ${seconds}s with $connections connections"
    results+=("$(run kept "$mode" "$seconds" "$connections")")
done
stop_server
load_after="$(machine_load "after (this benchmark's runs included)")"

.venv/bin/python - "$workers" "$connections" "$seconds" "$load_before" \
    "$load_after" "$(nproc)" "${results[@]}" <<'PY'
import json
import sys

workers, connections, seconds = map(int, sys.argv[1:4])
load_before, load_after = map(float, sys.argv[4:6])
cpus = int(sys.argv[6])
results = [json.loads(arg) for arg in sys.argv[7:]]
print(
    f"{'server':<10}{'run':<13}{'conns':>6}{'req/s':>10}{'p50 ms':>9}"
    f"{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
)
for r in results:
    print(
        f"{r['label']:<10}{r['mode']:<13}{r['connections']:>6}{r['rps']:>10.1f}"
        f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['max_ms']:>9.1f}"
        f"{r['errors'] + r['bad_status']:>8}"
    )
at = {
    (r["label"], r["mode"]): r for r in results if r["connections"] == connections
}
rendered = [r for r in results if r["label"] == "rendered" and r["mode"] == "mixed"]
best = max((r["rps"] for r in rendered if r["p99_ms"] < 250), default=0.0)
static = at["kept", "static"]["rps"]
figures = {
    "rps_mixed": at["rendered", "mixed"]["rps"],
    "p99_mixed_ms": at["rendered", "mixed"]["p99_ms"],
    "best_rps_p99_under_250": best,
    "rps_cached": at["rendered", "conditional"]["rps"],
    "p99_cached_ms": at["rendered", "conditional"]["p99_ms"],
    "rps_paragraph": at["rendered", "paragraph"]["rps"],
    "p99_paragraph_ms": at["rendered", "paragraph"]["p99_ms"],
    "rps_mixed_kept": at["kept", "mixed"]["rps"],
    "p99_mixed_kept_ms": at["kept", "mixed"]["p99_ms"],
    "rps_paragraph_kept": at["kept", "paragraph"]["rps"],
    "p99_paragraph_kept_ms": at["kept", "paragraph"]["p99_ms"],
    "rps_static": static,
    "p99_static_ms": at["kept", "static"]["p99_ms"],
    "paragraph_static_ratio": round(at["kept", "paragraph"]["rps"] / static, 3),
    "paragraph_rendered_static_ratio": round(
        at["rendered", "paragraph"]["rps"] / static, 3
    ),
    "cached_mixed_ratio": round(
        at["rendered", "conditional"]["rps"] / at["rendered", "mixed"]["rps"], 3
    ),
    "errors": sum(r["errors"] + r["bad_status"] for r in results),
    "workers": workers,
    "connections": connections,
    "seconds": seconds,
    "load_before": load_before,
    "load_after": load_after,
    "cpus": cpus,
}
print(f"rendered mixed load, highest rate with p99 under 250 ms: {best:.1f} req/s")
print(
    "paragraph pages / static file: "
    f"{figures['paragraph_static_ratio']:.2f} kept, "
    f"{figures['paragraph_rendered_static_ratio']:.2f} rendered (target ≥ 0.30)"
)
print(
    "rendered mixed load, cache headers honoured / not: "
    f"{figures['cached_mixed_ratio']:.2f}"
)
print(
    f"machine load (1 min): {load_before:.2f} before, {load_after:.2f} after, "
    f"on {cpus} CPUs"
)
print(json.dumps(figures))
PY
