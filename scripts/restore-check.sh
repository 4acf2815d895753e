#!/usr/bin/env bash
# Prove a backup restores: dump DATABASE_URL, restore it into a scratch database on the
# same server, and compare the row count of every table. Exits non-zero on any difference.
# Usage: scripts/restore-check.sh DATABASE_URL
set -euo pipefail
url=${1:?usage: scripts/restore-check.sh DATABASE_URL}
url=${url/postgresql+psycopg:/postgresql:}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
scratch="engage_restore_check_$$"
base=${url%/*}
cleanup() { psql "$base/postgres" -q -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

dump=$("$here/backup.sh" "$url" "$work")
psql "$base/postgres" -q -c "CREATE DATABASE $scratch" >/dev/null
pg_restore --no-owner --exit-on-error --dbname="$base/$scratch" "$dump"

counts() {
  psql "$1" -At -c "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1" |
  while read -r table; do
    echo "$table $(psql "$1" -At -c "SELECT count(*) FROM \"$table\"")"
  done
}
counts "$url" > "$work/original"
counts "$base/$scratch" > "$work/restored"
if diff -u "$work/original" "$work/restored"; then
  echo "restore check passed: $(wc -l < "$work/original") tables, $(awk '{s+=$2} END {print s}' "$work/original") rows identical"
else
  echo "restore check FAILED: row counts differ (above)" >&2
  exit 1
fi
