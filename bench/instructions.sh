#!/usr/bin/env bash
# Instructions per request of two builds, counted by valgrind's callgrind: a count, not a time,
# so it comes out the same however busy the shared machine is. Each build serves the same
# SQLite file (imported shared data, fitted models, generated predictions) under callgrind;
# per endpoint (/livez, POST /api/predict as a returning visitor, the history page of a
# visitor with 1,000 predictions) the counters are zeroed, the server sits idle for DURATION,
# then takes load for DURATION: (loaded - idle) / requests answered is what one request costs
# the server in all its threads (the writer, the pools, background jobs' share cancelled by
# the idle run), with as many connections as bench/load.sh (32, so that the writer sees its
# batches). Prints each figure and B's over A's.
# Usage: A=path/to/old/football-predictor [B=target/release/football-predictor] bench/instructions.sh
# Env: DURATION (default 10), PREDICTIONS generated (default 100000), SAME_SCHEMA (default 0:
# each build on its own schema, A on the database as A made it; 1: B migrates the database
# forward once A's server has started, so that both builds count on B's schema: the code alone
# compared, as `SHARED_DATABASE=1 bench/ab.sh` does).
set -euo pipefail
cd "$(dirname "$0")/.."
A=${A:?set A to the binary to compare against}
B=${B:-target/release/football-predictor}
DURATION=${DURATION:-10}
PREDICTIONS=${PREDICTIONS:-100000}
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
export DATABASE_URL=sqlite:///tmp/fp-instr-$$.db
. bench/common.sh
# The database is made by A's binary: a newer B migrates it forward when it starts, while an
# older A refuses a database with migrations it does not know.
BIN=$A
fill_database
LOAD=$($BIN generate-load --predictions "$PREDICTIONS" | sed -n 's/.*fp_session=\([0-9a-f]*\).*/\1/p')
out=/tmp/fp-instr-$$
mkdir -p "$out"
trap 'kill ${VG:-} 2>/dev/null || true; rm -rf "$out" /tmp/fp-instr-$$.db*' EXIT

# Ir of the latest dump of callgrind running as $VG.
dump() {
  callgrind_control -d "$VG" >/dev/null 2>&1
  sleep 0.5
  # shellcheck disable=SC2012
  sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$(ls -t "$out"/cg."$VG".* | head -1)"
}
zero() { callgrind_control -z "$VG" >/dev/null 2>&1; }

# Instructions per request of one endpoint (wrk arguments after the first).
per_request() {
  local idle loaded n res
  zero; sleep "$DURATION"; idle=$(dump)
  zero
  res=$(wrk -t2 -c32 -d"${DURATION}s" "$@")
  # Every request answered and counted: an error or a timeout would spoil the division.
  if echo "$res" | grep -qE "Non-2xx|Socket errors"; then echo "$res" >&2; exit 1; fi
  n=$(echo "$res" | sed -n 's/ *\([0-9]*\) requests in.*/\1/p')
  loaded=$(dump)
  echo "$(( (loaded - idle) / n )) $n"
}

declare -A FIG
printf '%-3s %-9s %14s %10s\n' bin endpoint instr/request requests
for bin in A B; do
  if [ $bin = A ]; then BIN=$A; else BIN=$B; fi
  RUST_LOG=warn valgrind --tool=callgrind --callgrind-out-file="$out/cg.%p" \
    "$BIN" serve --bind 127.0.0.1:18095 >"$out/serve-$bin.log" 2>&1 &
  VG=$!
  for _ in $(seq 1 600); do curl -sf http://127.0.0.1:18095/livez >/dev/null && break; sleep 0.5; done
  # A checks the migrations when it starts, and not after.
  if [ $bin = A ] && [ "${SAME_SCHEMA:-0}" = 1 ]; then "$B" migrate >/dev/null; fi
  PORT=18095
  first_prediction
  export COOKIE="fp_session=$VISITOR"
  # Warm the caches (answers, sessions, the history page) before counting, with as many
  # connections as the count, so that the writer has already prepared its statement for every
  # batch size it will see (once per size, but about 3k instructions per request of a 10 s
  # count).
  wrk -t2 -c32 -d5s -s bench/predict.lua http://127.0.0.1:18095/api/predict >/dev/null
  COOKIE="fp_session=$LOAD" wrk -t1 -c4 -d3s -s bench/cookie.lua http://127.0.0.1:18095/history >/dev/null
  for endpoint in livez predict history; do
    case $endpoint in
      livez) read -r ir n <<<"$(per_request http://127.0.0.1:18095/livez)" ;;
      predict) read -r ir n <<<"$(per_request -s bench/predict.lua http://127.0.0.1:18095/api/predict)" ;;
      history) read -r ir n <<<"$(COOKIE="fp_session=$LOAD" per_request -s bench/cookie.lua http://127.0.0.1:18095/history)" ;;
    esac
    [ -n "${ir:-}" ] || { echo "no figure for $endpoint on $bin (see above)" >&2; exit 1; }
    FIG[$bin.$endpoint]=$ir
    printf '%-3s %-9s %14s %10s\n' "$bin" "$endpoint" "$ir" "$n"
  done
  kill "$VG"; wait "$VG" 2>/dev/null || true
done
for endpoint in livez predict history; do
  echo "$endpoint: B/A $(quotient "${FIG[B.$endpoint]}" "${FIG[A.$endpoint]}")"
done
echo "predict/livez cost: A $(quotient "${FIG[A.predict]}" "${FIG[A.livez]}" 2), B $(quotient "${FIG[B.predict]}" "${FIG[B.livez]}" 2)"
