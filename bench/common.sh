# Shared by the load scripts (sourced from the repository root, with BIN, PORT and
# DATABASE_URL set).

DATA=${SHARED_DATA_DIR:-../shared/data}/football-data
# One client sends all the load: lift the per-client limits for the benchmark.
export RATE_LIMIT_ANON=1000000000/second RATE_LIMIT_USER=1000000000/second RATE_LIMIT_API=1000000000/second
# The scheduled jobs that run every few minutes (database figures every 5, digests every 10, the
# session purge every 15) fire at fixed times of the clock, into whichever round is running
# then: the figures are of requests, so the servers run without them (`bench/operations.sh`
# times the jobs themselves). A build without these settings ignores them.
export STATS_CRON=off DIGEST_CRON=off SESSION_PURGE_CRON=off

# $1 / $2 with $3 decimals (default 3).
quotient() { echo "$1 / $2" | bc -l | xargs printf "%.${3:-3}f"; }
# The median of the numbers on stdin, one per line or separated by spaces.
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# Fills the database with the shared data and fitted models, with BIN.
fill_database() {
  echo "== database: $DATABASE_URL"
  $BIN migrate >/dev/null
  $BIN import --no-refit "$DATA" >/dev/null
  $BIN refit >/dev/null
}

# Builds the server and fills the database.
prepare_database() {
  cargo build --release --locked -q
  fill_database
}

# Starts `serve` on PORT (log in $1), sets SERVER, stops it on exit, waits until it answers.
start_server() {
  RUST_LOG=warn $BIN serve --bind 127.0.0.1:$PORT >"$1" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/livez" >/dev/null && break; sleep 0.2; done
}

# A returning visitor: the session cookie comes with the first saved prediction. Sets FIRST
# (the response with its headers) and VISITOR (the session id).
first_prediction() {
  FIRST=$(curl -s -D - -H 'Content-Type: application/json' \
    -d '{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}' "http://127.0.0.1:$PORT/api/predict")
  VISITOR=$(echo "$FIRST" | sed -n 's/^[Ss]et-[Cc]ookie: fp_session=\([0-9a-f]*\).*/\1/p')
}

# POST /api/predict (as COOKIE) against /livez, alternately, ROUNDS times (RATIO_DURATION each):
# requests/s, the server's CPU µs per request and the idle CPU of each run, each round's ratio
# and their median.
ratio_rounds() {
  local ticks cpu measure r lr lc li pr pc pi ratio
  RATIOS=()
  printf '%-6s %12s %10s %6s %14s %10s %6s %7s\n' round livez_req/s µs/req idle% predict_req/s µs/req idle% ratio
  for r in $(seq 1 "$ROUNDS"); do
    read -r lr lc li <<<"$(measure "http://127.0.0.1:$PORT/livez")"
    read -r pr pc pi <<<"$(measure -s bench/predict.lua "http://127.0.0.1:$PORT/api/predict")"
    ratio=$(quotient "$pr" "$lr")
    RATIOS+=("$ratio")
    printf '%-6s %12s %10s %6s %14s %10s %6s %7s\n' "$r" "$lr" "$lc" "$li" "$pr" "$pc" "$pi" "$ratio"
  done
  echo "median predict/livez: $(printf '%s\n' "${RATIOS[@]}" | median)"
}

ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
cpu() { awk '/^cpu /{t = 0; for (i = 2; i <= NF; i++) t += $i; print $5, t}' /proc/stat; }
# Prints requests/s, server CPU µs per request, idle %.
measure() {
  local t0 c0 t1 c1 out n hz
  t0=$(ticks); c0=$(cpu)
  out=$(wrk -t2 -c32 -d"$RATIO_DURATION" "$@")
  t1=$(ticks); c1=$(cpu)
  n=$(echo "$out" | sed -n 's/ *\([0-9]*\) requests in.*/\1/p')
  echo "$out" | grep -q "Non-2xx" && { echo "$out" >&2; exit 1; }
  hz=$(getconf CLK_TCK)
  echo "$(echo "$out" | sed -n 's/Requests\/sec: *//p') \
$(echo "($t1 - $t0) * 1000000 / $hz / $n" | bc -l | xargs printf '%.1f') \
$(echo "$c0 $c1" | awk '{printf "%.0f", 100 * ($3 - $1) / ($4 - $2)}')"
}
