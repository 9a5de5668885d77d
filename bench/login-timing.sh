#!/usr/bin/env bash
# Whether a login's time tells an existing account from an unknown one: ROUNDS (default 30)
# wrong-password logins for a registered name and for a name that does not exist, alternately,
# one at a time (curl's time_total), with the medians and their ratio.
# Usage: bench/login-timing.sh [DATABASE_URL]   (default: a fresh SQLite file under /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/football-predictor
PORT=${PORT:-18421}
ROUNDS=${ROUNDS:-30}
export DATABASE_URL=${1:-sqlite:///tmp/fp-login-timing-$$.db}
. bench/common.sh
cargo build --release --locked -q
$BIN migrate >/dev/null
export LOGIN_LIMIT_IP=1000000000/second LOGIN_LIMIT_ACCOUNT=1000000000/second LOGIN_LOCKOUT_AFTER=1000000000
start_server /tmp/fp-login-timing-server.log
URL="http://127.0.0.1:$PORT"
curl -s -o /dev/null --data-urlencode "username=existing" --data-urlencode "password=vivid otter marble 42" "$URL/register"
login() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --data-urlencode "username=$1" \
    --data-urlencode "password=wrong guess again" "$URL/login"
}
KNOWN=() UNKNOWN=()
for _ in $(seq 1 "$ROUNDS"); do
  read -r code t <<<"$(login existing)"; [ "$code" = 401 ] || { echo "known: $code" >&2; exit 1; }; KNOWN+=("$t")
  read -r code t <<<"$(login nobody-here)"; [ "$code" = 401 ] || { echo "unknown: $code" >&2; exit 1; }; UNKNOWN+=("$t")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
mk=$(median "${KNOWN[@]}"); mu=$(median "${UNKNOWN[@]}")
echo "median login time: existing account ${mk}s, unknown name ${mu}s, unknown/existing $(echo "$mu / $mk" | bc -l | xargs printf '%.2f') ($ROUNDS each, 401 every time)"
