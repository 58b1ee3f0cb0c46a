#!/usr/bin/env bash
# Backup drill: dump a PostgreSQL database with pg_dump -Fc, restore the dump into a
# fresh scratch database with pg_restore, and prove the copy is whole and usable:
#   1. `manage.py migrate --check`  - its schema is the one this code expects;
#   2. `manage.py verify_audit_log` - the audit chains verify, anchored at the heads
#      recorded from the source at dump time (so a truncated copy fails too); the
#      source itself is verified against its anchor log (docs/audit-log.md);
#   3. scripts/smoke_check.py       - the home page and a live article answer 200.
#
# Usage:
#   scripts/backup_restore_check.sh           # drill on $DATABASE_URL (read-only for it)
#   scripts/backup_restore_check.sh --seed    # CI: first build a scratch source database
#                                             # with the demo content, then drill on it
# Environment:
#   DATABASE_URL     postgres://user@host:port/name: the source (with --seed, only the
#                    server and the prefix of the scratch names are taken from it)
#   BACKUP_CHECK_DB  scratch database the dump is restored into
#                    (default: <name>_restore_check; it is dropped and re-created)
#   KEEP_SCRATCH=1   keep the scratch databases and the dump for inspection
#   VETTED_AUDIT_KEY the key the source's audit log was written with (or SECRET_KEY);
#                    required without --seed. VETTED_AUDIT_ANCHOR_FILE: its anchor log
#                    (without --seed; with --seed the drill keeps one in its scratch folder)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}

: "${DATABASE_URL:?set DATABASE_URL=postgres://user@host:port/name}"
read -r SERVER NAME < <("$PY" - <<'PYEOF'
import os
from urllib.parse import urlsplit, urlunsplit
url = urlsplit(os.environ["DATABASE_URL"])
if url.scheme not in ("postgres", "postgresql", "pgsql"):
    raise SystemExit("backup_restore_check: DATABASE_URL must be a PostgreSQL URL")
print(urlunsplit((url.scheme.replace("pgsql", "postgres"), url.netloc, "", "", "")), url.path.lstrip("/"))
PYEOF
)

SOURCE=$NAME
if [[ "${1:-}" == "--seed" ]]; then
    SOURCE="${NAME}_backup_source"
fi
RESTORED=${BACKUP_CHECK_DB:-${NAME}_restore_check}
if [[ "$RESTORED" == "$SOURCE" || "$RESTORED" == "$NAME" ]]; then
    echo "backup_restore_check: the scratch database must not be the source ($RESTORED)" >&2
    exit 2
fi
if [[ "$SOURCE" == "$NAME" && -z "${VETTED_AUDIT_KEY:-}" && -z "${SECRET_KEY:-}" ]]; then
    echo "backup_restore_check: set VETTED_AUDIT_KEY (or SECRET_KEY) to the key $NAME's audit log was written with" >&2
    exit 2
fi
SCRATCH_DIR=$(mktemp -d)
DUMP="$SCRATCH_DIR/vetted.dump"

admin_sql() { psql -X -q -v ON_ERROR_STOP=1 "$SERVER/postgres" "$@"; }
recreate() { admin_sql -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\""; }
manage() { DATABASE_URL="$SERVER/$1" "$PY" manage.py "${@:2}"; }
cleanup() {
    if [[ "${KEEP_SCRATCH:-0}" != 1 ]]; then
        admin_sql -c "DROP DATABASE IF EXISTS \"$RESTORED\" WITH (FORCE)" || true
        [[ "$SOURCE" != "$NAME" ]] && admin_sql -c "DROP DATABASE IF EXISTS \"$SOURCE\" WITH (FORCE)" || true
        rm -rf "$SCRATCH_DIR"
    else
        echo "backup_restore_check: kept $SOURCE, $RESTORED and $DUMP"
    fi
}
trap cleanup EXIT

# Production-like settings for every manage.py call below (DEBUG off, a throwaway key).
# SITE_URL: DEBUG off refuses a missing or local public address (config.checks).
export DEBUG=0 ALLOWED_HOSTS=testserver SITE_URL="${SITE_URL:-https://vetted.example}" SECRET_KEY="${SECRET_KEY:-backup-check-$(date +%s)-$RANDOM$RANDOM$RANDOM}"
export PGOPTIONS="-c client_min_messages=warning"
# The drill is about the database: no shared cache, so nothing is answered from elsewhere.
unset REDIS_URL

if [[ "$SOURCE" != "$NAME" ]]; then
    # The scratch source's anchor log: written as seed_demo commits, read by its verify.
    export VETTED_AUDIT_ANCHOR_FILE="$SCRATCH_DIR/audit-anchors.log"
    echo "== seeding scratch source $SOURCE with the demo content"
    recreate "$SOURCE"
    manage "$SOURCE" migrate --noinput >/dev/null
    DEBUG=1 manage "$SOURCE" seed_demo >/dev/null
fi

echo "== verifying $SOURCE against its anchor log and recording its audit chain heads"
HEADS=$(manage "$SOURCE" verify_audit_log | sed -n 's/.*; head \([a-z]*:[0-9]*:[0-9a-f]*\)$/\1/p')
ANCHORS=()
for head in $HEADS; do ANCHORS+=(--anchor "$head"); done
echo "$HEADS"

echo "== pg_dump -Fc $SOURCE"
pg_dump -Fc --no-owner --no-privileges -d "$SERVER/$SOURCE" -f "$DUMP"
ls -l "$DUMP"

echo "== pg_restore into a fresh $RESTORED"
recreate "$RESTORED"
pg_restore --no-owner --no-privileges --exit-on-error -d "$SERVER/$RESTORED" "$DUMP"

echo "== migrate --check on the copy"
manage "$RESTORED" migrate --check
# The heads at dump time, not the anchor log: a live source's log is ahead of its dump.
echo "== verify_audit_log on the copy, anchored at the source's heads"
manage "$RESTORED" verify_audit_log "${ANCHORS[@]}"
echo "== smoke test against the copy"
DATABASE_URL="$SERVER/$RESTORED" PYTHONWARNINGS="ignore:No directory at" "$PY" scripts/smoke_check.py

echo "backup_restore_check: OK: $SOURCE dumped, restored into $RESTORED, verified"
