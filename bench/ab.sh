#!/usr/bin/env bash
# A/B of two builds on the same data: the server of each build on its own port over its own copy
# of one SQLite file (imported shared data, fitted models, 1,000,000 generated predictions; each
# build with its own schema, as B migrates only its copy), or with SHARED_DATABASE=1 both over
# the same file (B's schema for both: the code alone compared), measured
# in alternating rounds: /livez, POST /api/predict (returning visitor) and the history page of a
# visitor with 1,000 predictions, first on A, then on B, ROUNDS times. Prints each round and the
# medians: prediction/livez ratio, history req/s, the server's CPU per prediction and per history
# request (user and kernel, from /proc) and the machine's idle CPU while predictions are served, per
# build, and B's over A's.
# Usage: A=path/to/old/football-predictor [B=target/release/football-predictor] bench/ab.sh
# (SQLite files under /tmp, removed at the end.)
# Env: ROUNDS (default 5), RATIO_DURATION per run (default 5s), SHARED_DATABASE (default 0).
set -euo pipefail
cd "$(dirname "$0")/.."
A=${A:?set A to the binary to compare against}
B=${B:-target/release/football-predictor}
ROUNDS=${ROUNDS:-5}
RATIO_DURATION=${RATIO_DURATION:-5s}
DB_A=/tmp/fp-ab-$$-a.db
DB_B=/tmp/fp-ab-$$-b.db
export DATABASE_URL=sqlite://$DB_A
. bench/common.sh
# The database is made by A's binary (an older A refuses a database with migrations it does
# not know), then copied for B, whose server migrates its copy forward when it starts. One
# shared file runs A on B's schema (B migrates it after A has opened it), which leaves out what
# B's migrations change.
BIN=$A
fill_database
LOAD=$($BIN generate-load | sed -n 's/.*fp_session=\([0-9a-f]*\).*/\1/p')
# No process has the file open now: the file and its log (if any) are the whole database.
if [ "${SHARED_DATABASE:-0}" = 1 ]; then
  DB_B=$DB_A
else
  for ext in "" -wal; do if [ -e "$DB_A$ext" ]; then cp "$DB_A$ext" "$DB_B$ext"; fi; done
fi
echo "== A on $DB_A, B on $DB_B"
trap 'kill ${PA:-} ${PB:-} 2>/dev/null || true; rm -f "$DB_A"* "$DB_B"*' EXIT
DATABASE_URL=sqlite://$DB_A RUST_LOG=warn $A serve --bind 127.0.0.1:18091 >/tmp/fp-ab-a.log 2>&1 &
PA=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:18091/livez" >/dev/null && break; sleep 0.2; done
DATABASE_URL=sqlite://$DB_B RUST_LOG=warn $B serve --bind 127.0.0.1:18092 >/tmp/fp-ab-b.log 2>&1 &
PB=$!
for port in 18091 18092; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/livez" >/dev/null && break; sleep 0.2; done
done
# A returning visitor of each build (a session is in one copy only).
declare -A VISITORS
for port in 18091 18092; do
  PORT=$port
  first_prediction
  [ -n "$VISITOR" ] || { echo "no session cookie from the server on port $port" >&2; exit 1; }
  VISITORS[$port]=$VISITOR
done
declare -A RATIO HIST HCPU PCPU PIDLE
printf '%-5s %-2s %10s %12s %10s %6s %8s %12s %12s\n' round bin livez/s predict/s predict_µs idle% ratio history/s history_µs
for r in $(seq 1 "$ROUNDS"); do
  for bin in A B; do
    if [ $bin = A ]; then SERVER=$PA; port=18091; else SERVER=$PB; port=18092; fi
    read -r lr _ _ <<<"$(measure "http://127.0.0.1:$port/livez")"
    read -r pr pc pi <<<"$(COOKIE="fp_session=${VISITORS[$port]}" measure -s bench/predict.lua "http://127.0.0.1:$port/api/predict")"
    read -r hr hc _ <<<"$(COOKIE="fp_session=$LOAD" measure -s bench/cookie.lua "http://127.0.0.1:$port/history")"
    ratio=$(quotient "$pr" "$lr")
    RATIO[$bin]+="$ratio "
    HIST[$bin]+="$hr "
    HCPU[$bin]+="$hc "
    PCPU[$bin]+="$pc "
    PIDLE[$bin]+="$pi "
    printf '%-5s %-2s %10s %12s %10s %6s %8s %12s %12s\n' "$r" "$bin" "$lr" "$pr" "$pc" "$pi" "$ratio" "$hr" "$hc"
  done
done
ra=$(echo "${RATIO[A]}" | median); rb=$(echo "${RATIO[B]}" | median)
ha=$(echo "${HIST[A]}" | median); hb=$(echo "${HIST[B]}" | median)
ca=$(echo "${HCPU[A]}" | median); cb=$(echo "${HCPU[B]}" | median)
echo "median predict/livez: A $ra, B $rb (B/A $(quotient "$rb" "$ra"))"
echo "median history req/s: A $ha, B $hb (B/A $(quotient "$hb" "$ha"))"
pa=$(echo "${PCPU[A]}" | median); pb=$(echo "${PCPU[B]}" | median)
ia=$(echo "${PIDLE[A]}" | median); ib=$(echo "${PIDLE[B]}" | median)
echo "median server CPU µs per prediction: A $pa, B $pb (B/A $(quotient "$pb" "$pa"))"
echo "median idle CPU % while predictions are served: A $ia, B $ib"
echo "median server CPU µs per history request: A $ca, B $cb (B/A $(quotient "$cb" "$ca"))"
