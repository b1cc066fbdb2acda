# Shared helpers for the scripts in this folder; source it, don't run it.
# shellcheck shell=bash

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

# Per-checkout state outside the repo: PostgreSQL refuses to run as root, so
# as root the server runs as the `postgres` user, which may not be able to
# traverse the checkout (CI clones under /root). /tmp is reachable by every
# user and keeps the socket path far below the ~100 character limit.
STATE="/tmp/oppna-beslut-$(printf '%s:%s' "$(id -u)" "$REPO" | sha256sum | cut -c1-10)"

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# apt_install PACKAGE... -- install Debian packages when we may, otherwise
# tell the user which ones to install and fail.
apt_install() {
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        die "missing system packages; install them and re-run: sudo apt-get install $*"
    fi
    say "Installing Debian packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    # Refresh the package lists only when the install fails without it.
    apt-get install -y -q "$@" </dev/null ||
        { apt-get update -q </dev/null && apt-get install -y -q "$@" </dev/null; }
}
