#!/usr/bin/env bash
# A/B of two builds on one database: the server of each build on its own port over the same
# SQLite file (imported shared data, fitted models, 1,000,000 generated predictions), measured
# in alternating rounds: /livez, POST /api/predict (returning visitor) and the history page of a
# visitor with 1,000 predictions, first on A, then on B, ROUNDS times. Prints each round and the
# medians: prediction/livez ratio, history req/s and the server's CPU per history request (user
# and kernel, from /proc) per build, and B's ratio over A's.
# Usage: A=path/to/old/football-predictor [B=target/release/football-predictor] bench/ab.sh
# Env: ROUNDS (default 5), RATIO_DURATION per run (default 5s).
set -euo pipefail
cd "$(dirname "$0")/.."
A=${A:?set A to the binary to compare against}
B=${B:-target/release/football-predictor}
ROUNDS=${ROUNDS:-5}
RATIO_DURATION=${RATIO_DURATION:-5s}
export DATABASE_URL=${1:-sqlite:///tmp/fp-ab-$$.db}
. bench/common.sh
# The database is made by A's binary: a newer B migrates it forward when it starts (after A
# has opened it), while an older A refuses a database with migrations it does not know.
BIN=$A
fill_database
LOAD=$($BIN generate-load | sed -n 's/.*fp_session=\([0-9a-f]*\).*/\1/p')
RUST_LOG=warn $A serve --bind 127.0.0.1:18091 >/tmp/fp-ab-a.log 2>&1 &
PA=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:18091/livez" >/dev/null && break; sleep 0.2; done
RUST_LOG=warn $B serve --bind 127.0.0.1:18092 >/tmp/fp-ab-b.log 2>&1 &
PB=$!
trap 'kill $PA $PB 2>/dev/null || true' EXIT
for port in 18091 18092; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/livez" >/dev/null && break; sleep 0.2; done
done
PORT=18092
first_prediction
export COOKIE="fp_session=$VISITOR"
declare -A RATIO HIST HCPU
printf '%-5s %-2s %10s %12s %8s %12s %12s\n' round bin livez/s predict/s ratio history/s history_µs
for r in $(seq 1 "$ROUNDS"); do
  for bin in A B; do
    if [ $bin = A ]; then SERVER=$PA; port=18091; else SERVER=$PB; port=18092; fi
    read -r lr _ _ <<<"$(measure "http://127.0.0.1:$port/livez")"
    read -r pr _ _ <<<"$(measure -s bench/predict.lua "http://127.0.0.1:$port/api/predict")"
    read -r hr hc _ <<<"$(COOKIE="fp_session=$LOAD" measure -s bench/cookie.lua "http://127.0.0.1:$port/history")"
    ratio=$(quotient "$pr" "$lr")
    RATIO[$bin]+="$ratio "
    HIST[$bin]+="$hr "
    HCPU[$bin]+="$hc "
    printf '%-5s %-2s %10s %12s %8s %12s %12s\n' "$r" "$bin" "$lr" "$pr" "$ratio" "$hr" "$hc"
  done
done
ra=$(echo "${RATIO[A]}" | median); rb=$(echo "${RATIO[B]}" | median)
ha=$(echo "${HIST[A]}" | median); hb=$(echo "${HIST[B]}" | median)
ca=$(echo "${HCPU[A]}" | median); cb=$(echo "${HCPU[B]}" | median)
echo "median predict/livez: A $ra, B $rb (B/A $(quotient "$rb" "$ra"))"
echo "median history req/s: A $ha, B $hb (B/A $(quotient "$hb" "$ha"))"
echo "median server CPU µs per history request: A $ca, B $cb (B/A $(quotient "$cb" "$ca"))"
