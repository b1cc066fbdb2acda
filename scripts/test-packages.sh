#!/usr/bin/env bash
# Make sure the Debian packages the tests drive are installed: chromium (the
# browser tests drive /usr/bin/chromium through Playwright, which never
# downloads a browser here) and gettext (the translation tests extract the
# strings with xgettext and compile the catalogue with msgfmt, as
# `make messages` does).
set -euo pipefail
. "$(dirname "$0")/common.sh"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v msgfmt >/dev/null && command -v xgettext >/dev/null || missing+=(gettext)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
