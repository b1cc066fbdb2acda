#!/usr/bin/env bash
# Make sure Debian's chromium is installed: the browser tests drive
# /usr/bin/chromium through Playwright, which never downloads a browser here.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ -x /usr/bin/chromium ] || apt_install chromium
