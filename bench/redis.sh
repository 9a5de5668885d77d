#!/usr/bin/env bash
# What the shared Redis layer costs and what a Redis outage costs, on loopback with wrk
# (32 connections, 2 threads), one server at a time over the same database:
#   A. no REDIS_URL (in-process cache and limits only)
#   B. REDIS_URL set (every /api request checks the shared GCRA limit in Redis; forecasts,
#      team statistics and head-to-head are cached in moka, then in Redis)
#   C. REDIS_URL pointing at a port where nothing listens (Redis down: breaker open)
# Usage: bench/redis.sh [DATABASE_URL] (default: a fresh SQLite file under /tmp);
# REDIS_BENCH_URL (default redis://127.0.0.1:6379).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/football-predictor
DURATION=${DURATION:-8s}
PORT=${PORT:-18081}
DATA=${SHARED_DATA_DIR:-../shared/data}/football-data
REDIS=${REDIS_BENCH_URL:-redis://127.0.0.1:6379}
export DATABASE_URL=${1:-sqlite:///tmp/fp-redis-bench-$$.db}
# One client sends all the load: budgets large enough never to refuse, but still checked.
export RATE_LIMIT_ANON=1000000000/second RATE_LIMIT_USER=1000000000/second RATE_LIMIT_API=1000000000/second
export CACHE_PREFIX=fp_bench_$$
cargo build --release --locked -q
$BIN migrate >/dev/null
$BIN import --no-refit "$DATA" >/dev/null
$BIN refit >/dev/null
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT
run() {
  local label=$1
  shift
  echo "== $label"
  wrk -t2 -c32 -d"$DURATION" --latency "$@" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
}
bench() {
  local name=$1 redis=$2
  if [ -n "$redis" ]; then export REDIS_URL=$redis; else unset REDIS_URL; fi
  RUST_LOG=warn $BIN serve --bind 127.0.0.1:$PORT >/tmp/fp-redis-bench-server.log 2>&1 &
  SERVER=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/livez" >/dev/null && break; sleep 0.2; done
  echo "#### $name: $(curl -s http://127.0.0.1:$PORT/health)"
  VISITOR=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d '{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}' "http://127.0.0.1:$PORT/api/predict" \
    | sed -n 's/^[Ss]et-[Cc]ookie: fp_session=\([0-9a-f]*\).*/\1/p')
  TEAM=$(curl -s "http://127.0.0.1:$PORT/api/leagues/E0/teams" | sed -n 's/^\[{"id":\([0-9]*\).*/\1/p')
  COOKIE="fp_session=$VISITOR" run "$name: POST /api/predict (returning visitor)" -s bench/predict.lua "http://127.0.0.1:$PORT/api/predict"
  run "$name: GET /api/teams/$TEAM" "http://127.0.0.1:$PORT/api/teams/$TEAM"
  run "$name: GET /api/h2h" "http://127.0.0.1:$PORT/api/h2h?league=E0&home=Arsenal&away=Chelsea"
  kill $SERVER; wait $SERVER 2>/dev/null || true
  SERVER=
}
DEAD_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bench "A no Redis" ""
bench "B Redis" "$REDIS"
bench "C Redis down" "redis://127.0.0.1:$DEAD_PORT"
echo "== Redis keys written by the run: $(redis-cli -u "$REDIS" --scan --pattern "$CACHE_PREFIX:*" | wc -l)"
