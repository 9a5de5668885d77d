#!/usr/bin/env bash
# What stored predictions cost an import that grades them. Over the shared data, a round of
# results dated tomorrow (every pairing of each league's 2025-26 teams) is imported into
#   A: a database without predictions,
#   B: the same database holding PREDICTIONS (default 1,000,000) ungraded predictions
#      (`generate-load`), which that round grades where their pairing plays,
# and then a second round (the day after) into B, when the predictions of those pairings are
# already graded. Each import is timed by the import itself (its report line).
# Usage: [A_URL=… B_URL=…] bench/grading.sh   (default: two fresh SQLite files under /tmp;
# for PostgreSQL give two empty databases)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/football-predictor
PREDICTIONS=${PREDICTIONS:-1000000}
DATA=${SHARED_DATA_DIR:-../shared/data}/football-data
cargo build --release --locked -q
WORK=$(mktemp -d /tmp/fp-grading-XXXX)
trap 'rm -rf "$WORK"' EXIT

# One round of results on a day: every pairing of each league's 2025-26 teams, 1-0.
round() {
  local day=$1 out=$2
  echo "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR" >"$out"
  for league in D1 E0 SP1; do
    mapfile -t teams < <(awk -F, 'NR > 1 && $4 != "" { print $4; print $5 }' "$DATA/$league/2025-26.partial.csv" | sort -u)
    for h in "${teams[@]}"; do for a in "${teams[@]}"; do
      [ "$h" = "$a" ] || echo "$league,$day,$h,$a,1,0,H" >>"$out"
    done; done
  done
}
round "$(date -d tomorrow +%d/%m/%Y)" "$WORK/round1.csv"
round "$(date -d '2 days' +%d/%m/%Y)" "$WORK/round2.csv"
ROWS=$(($(wc -l <"$WORK/round1.csv") - 1))

fill() {
  export DATABASE_URL=$1
  $BIN migrate >/dev/null
  $BIN import --no-refit "$DATA" >/dev/null
}
timed_import() {
  $BIN import --no-refit "$1" | grep 'file(s) imported'
}

fill "${A_URL:-sqlite://$WORK/a.db}"
echo "== A: no predictions ($DATABASE_URL)"
A=$(timed_import "$WORK/round1.csv"); echo "$A"
fill "${B_URL:-sqlite://$WORK/b.db}"
$BIN generate-load --predictions "$PREDICTIONS" | tail -1
echo "== B: $PREDICTIONS stored predictions"
B=$(timed_import "$WORK/round1.csv"); echo "$B"
echo "== B again, a round later (the graded ones are not looked at again)"
C=$(timed_import "$WORK/round2.csv"); echo "$C"
secs() { sed -n 's/.*; \([0-9.]*\)s$/\1/p' <<<"$1"; }
printf 'round of %d results: A %.2fs, B %.2fs (B/A %.2f), B second round %.2fs\n' "$ROWS" \
  "$(secs "$A")" "$(secs "$B")" "$(echo "$(secs "$B") / $(secs "$A")" | bc -l)" "$(secs "$C")"
