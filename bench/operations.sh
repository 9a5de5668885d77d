#!/usr/bin/env bash
# Operations on a full database: the shared data imported and fitted, 1,000,000 generated
# predictions. Times `stats`, `backup` (while a server takes predictions, and idle),
# `restore` into an empty database and `upkeep`, and prints the sizes.
# Usage: bench/operations.sh [DATABASE_URL]   (default: a SQLite file under /tmp)
# PostgreSQL: pass a URL of an empty database; restore goes to "<url>_restored" (created).
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL=${1:-sqlite:///tmp/fp-operations-$$.db}
BIN=target/release/football-predictor
PORT=18093
. bench/common.sh
prepare_database
$BIN generate-load >/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"; kill ${SERVER:-0} 2>/dev/null || true' EXIT
seconds() { local t0; t0=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $t0" | bc -l | xargs printf '%.2f'; }
echo "stats: $(seconds $BIN stats) s"
$BIN stats | head -2
echo "backup, idle: $(seconds $BIN backup --output "$OUT/idle.backup") s, $(du -h "$OUT/idle.backup" | cut -f1)"
start_server "$OUT/serve.log"
first_prediction
export COOKIE="fp_session=$VISITOR"
wrk -t1 -c16 -d30s -s bench/predict.lua "http://127.0.0.1:$PORT/api/predict" >"$OUT/wrk.txt" &
WRK=$!
sleep 3
echo "backup under prediction load: $(seconds $BIN backup --output "$OUT/load.backup") s"
wait $WRK
echo "  load meanwhile: $(grep Requests/sec "$OUT/wrk.txt")"
kill $SERVER; wait $SERVER 2>/dev/null || true
case "$DATABASE_URL" in
  sqlite:*) TARGET="sqlite://$OUT/restored.db" ;;
  *) TARGET="${DATABASE_URL}_restored"
     psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE ${TARGET##*/}" ;;
esac
echo "restore: $(DATABASE_URL=$TARGET seconds $BIN restore "$OUT/idle.backup") s"
echo "upkeep: $(seconds $BIN upkeep) s"
