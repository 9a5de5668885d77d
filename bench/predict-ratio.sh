#!/usr/bin/env bash
# POST /api/predict against the server's own /livez, alternately, several times in one run:
# the machine is shared and noisy, so each prediction run is compared with the /livez run just
# before it, and the median of those ratios is reported. Also the server's CPU time per request
# (user + system, from /proc) and the share of idle CPU during each run.
# Usage: bench/predict-ratio.sh [DATABASE_URL]   (default: a fresh SQLite file under /tmp)
# Env: ROUNDS (default 5), DURATION per run (default 5s), PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/football-predictor
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5s}
PORT=${PORT:-18081}
export DATABASE_URL=${1:-sqlite:///tmp/fp-ratio-$$.db}
. bench/common.sh
prepare_database
start_server /tmp/fp-ratio-server.log
first_prediction
export COOKIE="fp_session=$VISITOR"
ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
cpu() { awk '/^cpu /{t = 0; for (i = 2; i <= NF; i++) t += $i; print $5, t}' /proc/stat; }
# Prints requests/s, server CPU µs per request, idle %.
measure() {
  local t0 c0 t1 c1 out n
  t0=$(ticks); c0=$(cpu)
  out=$(wrk -t2 -c32 -d"$DURATION" "$@")
  t1=$(ticks); c1=$(cpu)
  n=$(echo "$out" | sed -n 's/ *\([0-9]*\) requests in.*/\1/p')
  echo "$out" | grep -q "Non-2xx" && { echo "$out" >&2; exit 1; }
  local hz; hz=$(getconf CLK_TCK)
  echo "$(echo "$out" | sed -n 's/Requests\/sec: *//p') \
$(echo "($t1 - $t0) * 1000000 / $hz / $n" | bc -l | xargs printf '%.1f') \
$(echo "$c0 $c1" | awk '{printf "%.0f", 100 * ($3 - $1) / ($4 - $2)}')"
}
RATIOS=()
printf '%-6s %12s %10s %6s %14s %10s %6s %7s\n' round livez_req/s µs/req idle% predict_req/s µs/req idle% ratio
for r in $(seq 1 "$ROUNDS"); do
  read -r lr lc li <<<"$(measure "http://127.0.0.1:$PORT/livez")"
  read -r pr pc pi <<<"$(measure -s bench/predict.lua "http://127.0.0.1:$PORT/api/predict")"
  ratio=$(echo "$pr / $lr" | bc -l | xargs printf '%.3f')
  RATIOS+=("$ratio")
  printf '%-6s %12s %10s %6s %14s %10s %6s %7s\n' "$r" "$lr" "$lc" "$li" "$pr" "$pc" "$pi" "$ratio"
done
echo "median predict/livez: $(printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"
