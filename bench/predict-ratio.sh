#!/usr/bin/env bash
# POST /api/predict against the server's own /livez, alternately, several times in one run:
# the machine is shared and noisy, so each prediction run is compared with the /livez run just
# before it, and the median of those ratios is reported. Also the server's CPU time per request
# (user + system, from /proc) and the share of idle CPU during each run.
# Usage: bench/predict-ratio.sh [DATABASE_URL]   (default: a fresh SQLite file under /tmp)
# Env: ROUNDS (default 5), RATIO_DURATION per run (default 5s), PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/football-predictor
ROUNDS=${ROUNDS:-5}
RATIO_DURATION=${RATIO_DURATION:-5s}
PORT=${PORT:-18081}
export DATABASE_URL=${1:-sqlite:///tmp/fp-ratio-$$.db}
. bench/common.sh
prepare_database
start_server /tmp/fp-ratio-server.log
first_prediction
export COOKIE="fp_session=$VISITOR"
ratio_rounds
