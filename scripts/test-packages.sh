#!/usr/bin/env bash
# Make sure the Debian packages the tests drive are installed: chromium (the
# browser tests drive /usr/bin/chromium through Playwright, which never
# downloads a browser here), gettext (the translation tests extract the
# strings with xgettext and compile the catalogue with msgfmt, as
# `make messages` does), curl and jq (tests/test_open_data_examples.py runs
# the open-data page's examples as a reader would) and LibreOffice's word processor without its GUI
# (tests/test_real_pdfs.py exports Word documents to PDF with
# `soffice --headless`, as clerks' offices make the PDFs they publish).
set -euo pipefail
. "$(dirname "$0")/common.sh"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v curl >/dev/null && command -v jq >/dev/null || missing+=(curl jq)
command -v msgfmt >/dev/null && command -v xgettext >/dev/null || missing+=(gettext)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
