#!/usr/bin/env bash
# Create .venv and install the locked dependencies (prod + dev) into it.
# Quick when nothing changed: a stamp holds the hash of pyproject.toml and
# constraints.txt as of the last successful install.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$REPO"

PYTHON="${PYTHON:-python3}"
VENV="$REPO/.venv"
STAMP="$VENV/.installed"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"

[ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV/bin/python" ] && exit 0

# Two make runs in one checkout must not install into the venv at once.
exec 9>"$STATE.venv.lock"
flock 9
[ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV/bin/python" ] && exit 0

command -v "$PYTHON" >/dev/null || die "$PYTHON not found; install Python 3.11 or newer"
if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    rm -rf "$VENV"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        # Debian splits venv/ensurepip out of its python3 package.
        rm -rf "$VENV"
        apt_install python3-venv
        "$PYTHON" -m venv "$VENV"
    fi
fi

# A requirement added to pyproject.toml without `make lock` would install
# at whatever version is newest that day.
"$VENV/bin/python" scripts/deps.py --group dev --check-lock

export PIP_DISABLE_PIP_VERSION_CHECK=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
pip=("$VENV/bin/python" -m pip --quiet)
# pip >= 25.1 knows dependency groups; the lock pins which pip exactly.
"${pip[@]}" install --upgrade pip -c constraints.txt
"$VENV/bin/python" scripts/deps.py |
    "${pip[@]}" install -r /dev/stdin --group dev -c constraints.txt
"${pip[@]}" check
echo "$want" >"$STAMP"
say "Installed locked dependencies into .venv"
