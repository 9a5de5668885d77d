# Shared by the load scripts (sourced from the repository root, with BIN, PORT and
# DATABASE_URL set).

DATA=${SHARED_DATA_DIR:-../shared/data}/football-data
# One client sends all the load: lift the per-client limits for the benchmark.
export RATE_LIMIT_ANON=1000000000/second RATE_LIMIT_USER=1000000000/second RATE_LIMIT_API=1000000000/second

# Builds the server and fills the database with the shared data and fitted models.
prepare_database() {
  cargo build --release --locked -q
  echo "== database: $DATABASE_URL"
  $BIN migrate >/dev/null
  $BIN import --no-refit "$DATA" >/dev/null
  $BIN refit >/dev/null
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
