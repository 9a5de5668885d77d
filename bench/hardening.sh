#!/usr/bin/env bash
# Hardening benchmarks on loopback with wrk (Debian package `wrk`).
# Usage: bench/hardening.sh [DATABASE_URL]   (default: a fresh SQLite file under /tmp)
#
# 1. Login flood: FLOOD_CONNECTIONS (default 256) connections post wrong passwords to /login
#    for FLOOD_DURATION (default 15s), with the login limits lifted (as from many addresses, so
#    that every attempt reaches Argon2), then again with the default limits (one address).
#    Meanwhile 4 connections fetch a result page; its latency is printed beside the same
#    measurement without the flood, with the server's peak RSS and threads.
# 2. Prediction throughput: POST /api/predict by a first-time visitor (no cookie: a new session
#    per request), by an API token and by a returning visitor, in ROUNDS (default 6) alternating
#    rounds of SEGMENT (default 10s) each, so each kind runs 60 s in all; per-round req/s,
#    medians and the first-visit/returning and token/returning ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/football-predictor
PORT=${PORT:-18081}
FLOOD_CONNECTIONS=${FLOOD_CONNECTIONS:-256}
FLOOD_DURATION=${FLOOD_DURATION:-15s}
ROUNDS=${ROUNDS:-6}
SEGMENT=${SEGMENT:-10s}
export DATABASE_URL=${1:-sqlite:///tmp/fp-hardening-$$.db}
. bench/common.sh
prepare_database
URL="http://127.0.0.1:$PORT"
PASSWORD="vivid otter marble 42"

rss() { awk '/^VmRSS/{print $2}' "/proc/$SERVER/status"; }
peak() { awk '/^VmHWM/{print $2}' "/proc/$SERVER/status"; }
threads() { awk '/^Threads/{print $2}' "/proc/$SERVER/status"; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# The latency line of a 4-connection wrk run on the result page (COOKIE set), 50 % and 99 %.
page_latency() {
  wrk -t1 -c4 -d"$1" --latency -s bench/cookie.lua "$URL/predictions/$ID" |
    awk '/^ +50%/{p50 = $2} /^ +99%/{p99 = $2} /Requests\/sec/{rps = $2} END {print "p50", p50, "p99", p99, "req/s", rps}'
}

# Floods /login while measuring the result page; prints both and the server's peak memory.
flood() {
  local before out page
  before=$(rss)
  METHOD=POST CONTENT_TYPE=application/x-www-form-urlencoded BODY="username=victim&password=wrong+guess+again" \
    wrk -t2 -c"$FLOOD_CONNECTIONS" -d"$FLOOD_DURATION" --timeout 10s -s bench/statuses.lua "$URL/login" >/tmp/fp-flood.out &
  local flooder=$!
  # The most threads seen, sampled every 0.2 s while the flood runs.
  (m=0; while kill -0 $flooder 2>/dev/null; do t=$(threads); [ "$t" -gt "$m" ] && m=$t; echo "$m" >/tmp/fp-flood.threads; sleep 0.2; done) &
  sleep 1
  page=$(COOKIE="fp_session=$VISITOR" page_latency 10s)
  wait $flooder
  sleep 0.3
  local max_threads
  max_threads=$(cat /tmp/fp-flood.threads)
  out=$(cat /tmp/fp-flood.out)
  echo "  flood: $(echo "$out" | sed -n 's/Requests\/sec: */req\/s /p') $(echo "$out" | grep statuses:)"
  echo "  result page during the flood: $page"
  echo "  server RSS: $before KiB before, $(rss) KiB after, peak $(peak) KiB; threads during: $max_threads"
}

echo "== login flood, limits lifted (every attempt reaches the Argon2 pool)"
LOGIN_LIMIT_IP=1000000000/second LOGIN_LIMIT_ACCOUNT=1000000000/second LOGIN_LOCKOUT_AFTER=1000000000 \
  REGISTER_LIMIT_IP=1000000000/second start_server /tmp/fp-hardening-server.log
first_prediction
ID=$(echo "$FIRST" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
curl -s -o /dev/null --data-urlencode "username=victim" --data-urlencode "password=$PASSWORD" "$URL/register"
echo "  result page alone: $(COOKIE="fp_session=$VISITOR" page_latency 10s); server RSS $(rss) KiB, threads $(threads)"
flood
kill $SERVER; wait $SERVER 2>/dev/null || true

echo "== login flood, default limits (one address)"
REGISTER_LIMIT_IP=1000000000/second start_server /tmp/fp-hardening-server.log
echo "  result page alone: $(COOKIE="fp_session=$VISITOR" page_latency 10s); server RSS $(rss) KiB, threads $(threads)"
flood

echo "== POST /api/predict: first visit, API token, returning visitor ($ROUNDS alternating rounds of $SEGMENT)"
curl -s -o /dev/null -c /tmp/fp-hardening-jar --data-urlencode "username=scripted" \
  --data-urlencode "password=$PASSWORD" "$URL/register"
TOKEN=$(curl -s -b /tmp/fp-hardening-jar -H 'Content-Type: application/json' -d '{"name":"bench"}' \
  "$URL/api/tokens" | sed -n 's/.*"token":"\(fp_[0-9a-f]*\)".*/\1/p')
[ -n "$TOKEN" ] || { echo "no token" >&2; exit 1; }
rate() {
  local out
  out=$(METHOD=POST CONTENT_TYPE=application/json BODY='{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}' \
    wrk -t2 -c32 -d"$SEGMENT" -s bench/statuses.lua "$URL/api/predict")
  echo "$out" | grep -q "Non-2xx" && { echo "$out" >&2; exit 1; }
  echo "$out" | sed -n 's/Requests\/sec: *//p'
}
FIRSTS=() TOKENS=() RETURNS=()
printf '%-6s %16s %14s %18s\n' round first-visit/s token/s returning/s
for r in $(seq 1 "$ROUNDS"); do
  f=$(rate); FIRSTS+=("$f")
  t=$(AUTHORIZATION="Bearer $TOKEN" rate); TOKENS+=("$t")
  v=$(COOKIE="fp_session=$VISITOR" rate); RETURNS+=("$v")
  printf '%-6s %16s %14s %18s\n' "$r" "$f" "$t" "$v"
done
mf=$(printf '%s\n' "${FIRSTS[@]}" | median)
mt=$(printf '%s\n' "${TOKENS[@]}" | median)
mv=$(printf '%s\n' "${RETURNS[@]}" | median)
echo "median: first-visit $mf, token $mt, returning $mv req/s"
echo "first-visit/returning $(echo "$mf / $mv" | bc -l | xargs printf '%.2f'), token/returning $(echo "$mt / $mv" | bc -l | xargs printf '%.2f')"
echo "first-visit round $ROUNDS / round 1: $(echo "${FIRSTS[-1]} / ${FIRSTS[0]}" | bc -l | xargs printf '%.2f')"
case "$DATABASE_URL" in
  sqlite://*) echo "sessions stored: $(sqlite3 "${DATABASE_URL#sqlite://}" 'SELECT count(*) FROM sessions')" ;;
  postgres*) echo "sessions stored: $(psql -tA "$DATABASE_URL" -c 'SELECT count(*) FROM sessions')" ;;
esac
echo "== server RSS at the end: $(rss) KiB"
