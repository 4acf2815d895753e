#!/usr/bin/env bash
# Debian packages the tests need that pip and npm cannot bring: Chromium for the
# browser tests, LibreOffice and poppler for the report's layout test. Installs them
# when it can (root with apt-get), else says what to do.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# WeasyPrint (PDF reports) needs Pango; the backup test needs pg_dump.
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pg_dump >/dev/null || missing+=(postgresql-client)
# The Panel report's Word file is checked as LibreOffice lays it out, and PDFs read with poppler.
command -v libreoffice >/dev/null || missing+=(libreoffice-writer-nogui fonts-liberation)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
  exit 0
fi
echo "The browser tests need Debian packages that are not installed: ${missing[*]}"
echo "Install them with:  sudo apt-get install ${missing[*]}"
if [ "${CI:-}" = "true" ]; then
  echo "CI must not skip the browser tests: failing." >&2
  exit 1
fi
echo "(Continuing: the browser tests will be skipped on this machine.)"
