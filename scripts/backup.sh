#!/usr/bin/env bash
# Back up the engage database with pg_dump (custom format, compressed).
# Usage: scripts/backup.sh DATABASE_URL [OUT_DIR]   (URL as libpq takes it: postgresql://user@host/db)
set -euo pipefail
url=${1:?usage: scripts/backup.sh DATABASE_URL [OUT_DIR]}
url=${url/postgresql+psycopg:/postgresql:}
out_dir=${2:-backups}
mkdir -p "$out_dir"
file="$out_dir/engage-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --file="$file" "$url"
echo "$file"
