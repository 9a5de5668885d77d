#!/usr/bin/env bash
# Load benchmarks on loopback with wrk (Debian package `wrk`), 32 connections, 2 threads.
# Usage: bench/load.sh [DATABASE_URL]   (default: a fresh SQLite file under /tmp)
# It imports the shared data, generates 1,000,000 predictions (one visitor holding 1,000),
# starts the server, and measures: /livez, POST /api/predict by a returning visitor, the result
# page, and the history page of the visitor with 1,000 predictions, then POST /api/predict
# against /livez in alternating rounds (ROUNDS, default 3) with their median ratio. Prints wrk's
# summaries and the server's resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/football-predictor
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
RATIO_DURATION=${RATIO_DURATION:-5s}
PORT=${PORT:-18080}
export DATABASE_URL=${1:-sqlite:///tmp/fp-load-$$.db}
. bench/common.sh
prepare_database
LOAD=$($BIN generate-load | tee /dev/stderr | sed -n 's/.*fp_session=\([0-9a-f]*\).*/\1/p')
start_server /tmp/fp-load-server.log
first_prediction
ID=$(echo "$FIRST" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
run() {
  echo "== $1"
  shift
  wrk -t2 -c32 -d"$DURATION" --latency "$@" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|Socket errors"
}
run "GET /livez" "http://127.0.0.1:$PORT/livez"
COOKIE="fp_session=$VISITOR" run "POST /api/predict (returning visitor)" -s bench/predict.lua "http://127.0.0.1:$PORT/api/predict"
COOKIE="fp_session=$VISITOR" run "GET /predictions/$ID (result page)" -s bench/cookie.lua "http://127.0.0.1:$PORT/predictions/$ID"
COOKIE="fp_session=$LOAD" run "GET /history (visitor with 1,000 of 1,000,000 predictions)" -s bench/cookie.lua "http://127.0.0.1:$PORT/history"
# One run of each is at the mercy of the shared machine: the prediction/livez ratio also from
# alternating rounds (see bench/predict-ratio.sh).
echo "== POST /api/predict against /livez, alternately ($ROUNDS rounds of $RATIO_DURATION)"
COOKIE="fp_session=$VISITOR" ratio_rounds
echo "== server RSS: $(ps -o rss= -p $SERVER) KiB ($(grep -E "RssAnon|RssFile" /proc/$SERVER/status | tr -s " \t" " " | tr "\n" " "))"
echo "== predictions in the database: $(curl -s -H "Cookie: fp_session=$VISITOR" "http://127.0.0.1:$PORT/api/history" | sed -n 's/.*"total":\([0-9]*\).*/\1/p') by the benchmark visitor"
