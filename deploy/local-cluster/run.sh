#!/usr/bin/env bash
# The scale-out topology on one machine, every node a host of its own (a network namespace
# with a veth pair on one bridge, 10.77.0.0/24):
#
#   client 10.77.0.5     the load generator (wrk)
#   lb 10.77.0.10        HAProxy: the load balancer (active /readyz health checks, retries
#                        of idempotent requests; a POST only when it never reached a host)
#   app1..3 .11-.13      football-predictor serve (DRAIN_SECONDS on SIGTERM)
#   pg1 .21:5433         PostgreSQL primary (its own data directory, never the machine's cluster)
#   pg2 .22:5434         streaming replica (pg_basebackup, hot standby, apply delay REPLICA_DELAY)
#   pgb .23:6432         PgBouncer, transaction mode, in front of the primary
#   r1 .31, r2 .32       Redis primary and replica
#   s1..3 .33-.35        Redis Sentinels (quorum 2)
#
# Usage: run.sh [up|load|faults|concurrency|capacity|down|short|all]   (no argument: all)
#   all    up, load, faults, concurrency, capacity, the acknowledged predictions checked, down;
#          figures in $WORK/summary.txt
#   short  the CI version: up on one season, a load, one app kill, one Redis failover,
#          replica read-your-writes, down
# Env: BIN (default target/release/football-predictor), WORK (/tmp/fp-cluster), SHARED_DATA_DIR,
#      LOAD_SECONDS (20), REPLICA_DELAY (1s), CONCURRENCY (10000), THINK_MS (30000: a
#      person reading a page), CONCURRENCY_SECONDS (60).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=${BIN:-$ROOT/target/release/football-predictor}
WORK=${WORK:-/tmp/fp-cluster}
DATA=${SHARED_DATA_DIR:-$ROOT/../shared/data}/football-data
LOAD_SECONDS=${LOAD_SECONDS:-20}
REPLICA_DELAY=${REPLICA_DELAY:-1s}
CONCURRENCY=${CONCURRENCY:-10000}
THINK_MS=${THINK_MS:-30000}
CONCURRENCY_SECONDS=${CONCURRENCY_SECONDS:-60}
NET=10.77.0
BRIDGE=fpbr0
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGBOUNCER_VERSION=1.24.1
PGBOUNCER_SHA256=da72a3aba13072876d055a3e58dd4aba4a5de4ed6148e73033185245598fd3e0
# Readable by the postgres user, which PgBouncer runs as.
CACHE_DIR=${PGBOUNCER_CACHE:-/var/cache/football-predictor}
SECRET=local-cluster-secret-key-0123456789abcdef
LUA=$ROOT/deploy/local-cluster/mixed.lua
FIXTURES="E0:Arsenal:Chelsea E0:Liverpool:Everton E0:Man_City:Newcastle E0:Tottenham:Fulham E0:Brighton:Wolves"

declare -A IP=([client]=5 [lb]=10 [app1]=11 [app2]=12 [app3]=13 [pg1]=21 [pg2]=22 [pgb]=23 [r1]=31 [r2]=32 [s1]=33 [s2]=34 [s3]=35)
NODES="client lb app1 app2 app3 pg1 pg2 pgb r1 r2 s1 s2 s3"
ip_of() { echo "$NET.${IP[$1]}"; }
in_ns() { local n=$1; shift; ip netns exec "fp-$n" "$@"; }
say() { echo "== $*"; }
# Open files: as many as allowed (10,000 clients need 10,000 descriptors in wrk and 10,000
# plus the connections to the apps in the load balancer); without CAP_SYS_RESOURCE the hard limit is the cap.
raise_nofile() {
  ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
}
now() { date +%s.%N; }

# --- set-up -------------------------------------------------------------------------------

install_missing() {
  local want=()
  command -v haproxy >/dev/null || want+=(haproxy)
  command -v redis-server >/dev/null || want+=(redis-server)
  command -v redis-sentinel >/dev/null || want+=(redis-sentinel)
  command -v wrk >/dev/null || want+=(wrk)
  command -v ip >/dev/null || want+=(iproute2)
  [ -x "$PGBIN/pg_basebackup" ] || want+=(postgresql)
  if ! pgbouncer_ok "$(command -v pgbouncer || true)" && [ ! -x "$CACHE_DIR/pgbouncer-$PGBOUNCER_VERSION/bin/pgbouncer" ]; then
    want+=(build-essential pkg-config libevent-dev libssl-dev curl)
  fi
  if [ ${#want[@]} -gt 0 ]; then
    say "installing ${want[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${want[@]}" >/dev/null
  fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
}

# PgBouncer 1.21 or newer keeps protocol-level named prepared statements per client in
# transaction mode (max_prepared_statements), which sqlx needs; Debian 12 ships 1.18.
pgbouncer_ok() {
  [ -n "$1" ] && [ -x "$1" ] || return 1
  local v
  v=$("$1" --version | sed -n 's/^PgBouncer \([0-9.]*\).*/\1/p')
  [ "$(printf '%s\n1.21.0\n' "$v" | sort -V | head -1)" = 1.21.0 ]
}

ensure_pgbouncer() {
  local system
  system=$(command -v pgbouncer || true)
  if pgbouncer_ok "$system"; then PGBOUNCER=$system; return; fi
  PGBOUNCER=$CACHE_DIR/pgbouncer-$PGBOUNCER_VERSION/bin/pgbouncer
  [ -x "$PGBOUNCER" ] && return
  say "building PgBouncer $PGBOUNCER_VERSION from the Debian source (the packaged one is older than 1.21)"
  local src
  src=$(mktemp -d)
  curl -sf -o "$src/pgb.tgz" "http://deb.debian.org/debian/pool/main/p/pgbouncer/pgbouncer_$PGBOUNCER_VERSION.orig.tar.gz"
  echo "$PGBOUNCER_SHA256  $src/pgb.tgz" | sha256sum -c --quiet
  tar -xzf "$src/pgb.tgz" -C "$src"
  (cd "$src/pgbouncer-$PGBOUNCER_VERSION" &&
    ./configure -q --prefix="$CACHE_DIR/pgbouncer-$PGBOUNCER_VERSION" --without-cares --without-pam --without-systemd >/dev/null &&
    make -s -j2 >/dev/null 2>&1 && make -s install >/dev/null 2>&1)
  rm -rf "$src"
}

net_up() {
  say "network: namespaces fp-* with veth pairs on bridge $BRIDGE ($NET.0/24)"
  ip link add "$BRIDGE" type bridge
  ip addr add "$NET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  for n in $NODES; do
    ip netns add "fp-$n"
    ip link add "fpv-$n" type veth peer name eth0 netns "fp-$n"
    ip link set "fpv-$n" master "$BRIDGE" up
    in_ns "$n" ip addr add "$(ip_of "$n")/24" dev eth0
    in_ns "$n" ip link set eth0 up
    in_ns "$n" ip link set lo up
    in_ns "$n" ip route add default via "$NET.1"
    in_ns "$n" sysctl -qw net.core.somaxconn=16384
    # Outgoing connections by the thousand (the load generator, the balancer): every port,
    # and ports in TIME_WAIT from the previous run reused.
    in_ns "$n" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
  done
  # The bridge forwards between hosts even where the machine filters forwarded traffic.
  sysctl -qw net.bridge.bridge-nf-call-iptables=0 2>/dev/null || true
}

pg_conf() {
  local dir=$1 port=$2 host=$3
  cat >>"$dir/postgresql.conf" <<EOF
listen_addresses = '$host'
port = $port
unix_socket_directories = '$dir-sock'
max_connections = 200
shared_buffers = 256MB
wal_level = replica
max_wal_senders = 5
hot_standby = on
fsync = on
synchronous_commit = on
statement_timeout = 30s
EOF
  echo "host all,replication all $NET.0/24 trust" >>"$dir/pg_hba.conf"
}

pg_up() {
  say "PostgreSQL primary $(ip_of pg1):5433, streaming replica $(ip_of pg2):5434 (apply delay $REPLICA_DELAY)"
  install -d -m 700 -o postgres -g postgres "$WORK/pg1" "$WORK/pg2"
  install -d -o postgres -g postgres "$WORK/pg1-sock" "$WORK/pg2-sock"
  install -d "$WORK/log"
  chmod 777 "$WORK/log"
  runuser -u postgres -- "$PGBIN/initdb" -A trust -U postgres -D "$WORK/pg1" >/dev/null
  pg_conf "$WORK/pg1" 5433 "$(ip_of pg1)"
  in_ns pg1 runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg1" -l "$WORK/log/pg1.log" -w start >/dev/null
  psql -qX -h "$(ip_of pg1)" -p 5433 -U postgres -c "CREATE DATABASE fp" >/dev/null
  runuser -u postgres -- "$PGBIN/pg_basebackup" -h "$(ip_of pg1)" -p 5433 -U postgres -D "$WORK/pg2" -R -X stream -c fast
  sed -i "s/^listen_addresses = .*/listen_addresses = '$(ip_of pg2)'/; s/^port = 5433/port = 5434/; s|^unix_socket_directories = .*|unix_socket_directories = '$WORK/pg2-sock'|" "$WORK/pg2/postgresql.conf"
  echo "recovery_min_apply_delay = '$REPLICA_DELAY'" >>"$WORK/pg2/postgresql.conf"
  in_ns pg2 runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg2" -l "$WORK/log/pg2.log" -w start >/dev/null
}

pgbouncer_up() {
  say "PgBouncer $("$PGBOUNCER" --version | head -1 | cut -d' ' -f2) at $(ip_of pgb):6432, transaction mode"
  install -d -o postgres -g postgres "$WORK/pgb"
  cat >"$WORK/pgb/pgbouncer.ini" <<EOF
[databases]
fp = host=$(ip_of pg1) port=5433 dbname=fp
[pgbouncer]
listen_addr = $(ip_of pgb)
listen_port = 6432
unix_socket_dir =
auth_type = trust
auth_file = $WORK/pgb/users.txt
pool_mode = transaction
max_prepared_statements = 500
default_pool_size = 40
max_client_conn = 20000
server_reset_query =
server_login_retry = 1
ignore_startup_parameters = extra_float_digits
logfile = $WORK/log/pgbouncer.log
pidfile = $WORK/pgb/pgbouncer.pid
EOF
  echo '"postgres" ""' >"$WORK/pgb/users.txt"
  chown -R postgres:postgres "$WORK/pgb"
  in_ns pgb runuser -u postgres -- "$PGBOUNCER" -d -q "$WORK/pgb/pgbouncer.ini"
}

redis_up() {
  say "Redis primary $(ip_of r1):6379, replica $(ip_of r2):6379, Sentinels on $(ip_of s1),$(ip_of s2),$(ip_of s3):26379"
  mkdir -p "$WORK/redis"
  start_redis r1
  start_redis r2 --replicaof "$(ip_of r1)" 6379
  for s in s1 s2 s3; do
    cat >"$WORK/redis/$s.conf" <<EOF
port 26379
bind $(ip_of $s)
protected-mode no
daemonize yes
pidfile $WORK/redis/$s.pid
logfile $WORK/log/$s.log
dir $WORK/redis
sentinel monitor fp $(ip_of r1) 6379 2
sentinel down-after-milliseconds fp 2000
sentinel failover-timeout fp 10000
sentinel parallel-syncs fp 1
EOF
    in_ns "$s" redis-server "$WORK/redis/$s.conf" --sentinel
  done
}

start_redis() {
  local n=$1
  shift
  in_ns "$n" redis-server --bind "$(ip_of "$n")" --port 6379 --protected-mode no --daemonize yes --save "" --appendonly no \
    --dir "$WORK/redis" --pidfile "$WORK/redis/$n.pid" --logfile "$WORK/log/$n.log" "$@"
}

sentinel_master() {
  redis-cli -h "$(ip_of s1)" -p 26379 sentinel get-master-addr-by-name fp 2>/dev/null | head -1
}

# Waits until the replica has replayed everything the primary has written so far.
replica_caught_up() {
  local lsn
  lsn=$(psql -qAtX -h "$(ip_of pg1)" -p 5433 -U postgres -c "SELECT pg_current_wal_lsn()")
  for _ in $(seq 1 300); do
    [ "$(psql -qAtX -h "$(ip_of pg2)" -p 5434 -U postgres -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && return 0
    sleep 0.1
  done
  echo "the replica did not catch up with $lsn" >&2
  return 1
}

app_env() {
  # DIRECT_DB=1: straight to the primary (to measure what PgBouncer costs).
  if [ -n "${DIRECT_DB:-}" ]; then
    echo DATABASE_URL=postgres://postgres@$(ip_of pg1):5433/fp
  else
    echo DATABASE_URL=postgres://postgres@$(ip_of pgb):6432/fp DATABASE_PGBOUNCER=true
  fi
  echo \
    DATABASE_READ_URL=postgres://postgres@$(ip_of pg2):5434/fp \
    REDIS_SENTINELS=$(ip_of s1):26379,$(ip_of s2):26379,$(ip_of s3):26379 REDIS_MASTER_NAME=fp \
    SECRET_KEY=$SECRET TRUSTED_PROXIES=$(ip_of lb)/32 DRAIN_SECONDS=3 DB_MAX_CONNECTIONS=16 \
    RATE_LIMIT_ANON=1000000000/second RATE_LIMIT_USER=1000000000/second RATE_LIMIT_API=1000000000/second \
    RUST_LOG=warn,football_predictor=info,fp_web=info,fp_cache=info
}

start_app() {
  local i=$1
  # shellcheck disable=SC2046
  # `ip netns exec` and `env` exec the server, so $! is the server's own pid.
  ip netns exec "fp-app$i" env $(app_env) "$BIN" serve --bind "$(ip_of "app$i"):8080" >>"$WORK/log/app$i.log" 2>&1 &
  echo $! >"$WORK/app$i.pid"
  disown $! # no "Killed" notices from the shell when a fault or the tear-down kills it
}

wait_ready() {
  local url=$1
  for _ in $(seq 1 150); do
    curl -sf -m 1 "$url" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "not ready: $url" >&2
  return 1
}

apps_up() {
  local files=$1
  say "schema and data on the primary (direct: migrations hold a session lock PgBouncer cannot keep)"
  local direct=postgres://postgres@$(ip_of pg1):5433/fp
  DATABASE_URL=$direct "$BIN" migrate >/dev/null
  # shellcheck disable=SC2086
  DATABASE_URL=$direct "$BIN" import --no-refit $files >/dev/null
  DATABASE_URL=$direct "$BIN" refit >/dev/null
  replica_caught_up
  say "three app hosts: $(ip_of app1) $(ip_of app2) $(ip_of app3) port 8080"
  for i in 1 2 3; do start_app $i; done
  for i in 1 2 3; do wait_ready "http://$(ip_of "app$i"):8080/readyz"; done
}

# HAProxy rather than nginx: open-source nginx has passive checks only, and taking a host out
# by a reload closes every idle client connection (errors for clients that just sent on one).
lb_up() {
  say "HAProxy at $(ip_of lb):80 (two processes), active checks of /readyz every 0.5 s"
  mkdir -p "$WORK/lb"
  # HAProxy counts two descriptors per connection (client and app side), so under this
  # machine's open-files limit one process holds (limit - 300) / 2 connections (9,850 at
  # 20,000): two processes share the address (SO_REUSEPORT, the kernel spreads the clients).
  local fds maxconn k
  fds=$(raise_nofile; ulimit -n)
  maxconn=$(((fds - 300) / 2))
  for k in 1 2; do
  cat >"$WORK/lb/haproxy$k.cfg" <<EOF
global
  daemon
  pidfile $WORK/lb/haproxy$k.pid
  maxconn $maxconn
  stats socket $WORK/lb/admin$k.sock mode 600 level admin
defaults
  mode http
  timeout connect 1s
  timeout client 120s
  timeout http-keep-alive 120s
  # Also the wait for a connection's first request (the load's clients pause up to 1.5 x
  # THINK_MS before theirs).
  timeout http-request $((THINK_MS * 3 / 2000 + 15))s
  timeout queue 5s
  timeout server 5s
  timeout check 1s
  option forwardfor
  # A request is tried again, on another host, when the connection failed (it was never
  # sent: safe for a POST too), and for GET/HEAD also when the host closed without an answer,
  # timed out, or answered 502/504. Not 503: an app answers 503 when the database is down,
  # which no other host would change.
  retries 2
  option redispatch 1
  retry-on conn-failure empty-response response-timeout 502 504
frontend web
  bind $(ip_of lb):80 backlog 16384
  http-request disable-l7-retry unless METH_GET
  default_backend app
backend app
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
  server app1 $(ip_of app1):8080 check
  server app2 $(ip_of app2):8080 check
  server app3 $(ip_of app3):8080 check
EOF
  (raise_nofile && in_ns lb haproxy -f "$WORK/lb/haproxy$k.cfg" 2>>"$WORK/log/haproxy.log")
  done
  wait_ready "http://$(ip_of lb)/readyz"
}

up() {
  [ -x "$BIN" ] || { echo "no binary at $BIN: cargo build --release --locked" >&2; exit 1; }
  ip netns list | grep -q '^fp-' && down
  install_missing
  ensure_pgbouncer
  mkdir -p "$WORK" "$WORK/load"
  net_up
  pg_up
  pgbouncer_up
  redis_up
  apps_up "${1:-$DATA}"
  lb_up
  visitors
  check_topology
  say "topology up (network namespaces)"
}

# Replication and failover are really on, not just started.
check_topology() {
  local streaming slaves
  streaming=$(psql -qAtX -h "$(ip_of pg1)" -p 5433 -U postgres -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
  slaves=$(redis-cli -h "$(sentinel_master)" info replication | sed -n 's/^connected_slaves:\([0-9]*\).*/\1/p' | tr -d '\r')
  say "replication: $streaming PostgreSQL standby streaming, $slaves Redis replica, Sentinel master $(sentinel_master)"
  [ "$streaming" = 1 ] && [ "$slaves" = 1 ] || { echo "replication is not running" >&2; return 1; }
  apps_on_redis || { echo "the apps are not on Redis" >&2; return 1; }
}

# --- load ------------------------------------------------------------------------------------

LB=http://$NET.${IP[lb]}

# Returning visitors (a cookie and a first prediction each) and a token client.
visitors() {
  local cookies="" results="" out id cookie
  for v in $(seq 1 20); do
    out=$(curl -sf -D - -H 'Content-Type: application/json' \
      -d '{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}' "$LB/api/predict")
    cookie=$(echo "$out" | sed -n 's/^[Ss]et-[Cc]ookie: fp_session=\([0-9a-f]*\).*/\1/p')
    id=$(echo "$out" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
    echo "$id" >>"$WORK/load/setup.ids"
    cookies+="$cookie "
    results+="/predictions/$id "
  done
  local jar=$WORK/load/jar
  curl -sf -o /dev/null -c "$jar" -b "$jar" -d "username=loadclient&password=vivid+otter+marble+42&confirm=vivid+otter+marble+42" "$LB/register" || true
  curl -sf -o /dev/null -c "$jar" -b "$jar" -d "username=loadclient&password=vivid+otter+marble+42" "$LB/login"
  local token
  token=$(curl -sf -b "$jar" -H 'Content-Type: application/json' -d '{"name":"load"}' "$LB/api/tokens" |
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || { echo "no API token" >&2; exit 1; }
  printf 'COOKIES="%s"\nRESULTS="%s"\nTOKEN=%s\n' "$cookies" "$results" "$token" >"$WORK/load/visitors.env"
}

# wrk through the balancer: NAME SECONDS CONNECTIONS [MIX] [THINK_MS] [VISITORS_FILE]; prints
# wrk's RESULT line.
run_wrk() {
  local name=$1 seconds=$2 conns=$3 mix=${4:-mixed} think=${5:-0} threads=2
  # shellcheck disable=SC1090
  . "${6:-$WORK/load/visitors.env}"
  [ "$conns" -lt 2 ] && threads=1
  rm -f "$WORK/load/$name"-*.fails
  (raise_nofile
    COOKIES=$COOKIES RESULTS=$RESULTS TOKEN=$TOKEN FIXTURES=$FIXTURES MIX=$mix THINK_MS=$think \
      OUT=$WORK/load/$name in_ns client wrk -t$threads -c"$conns" -d"${seconds}s" --timeout 10s -s "$LUA" "$LB" \
      >"$WORK/load/$name.out" 2>&1)
  grep '^RESULT' "$WORK/load/$name.out" || { cat "$WORK/load/$name.out"; return 1; }
}

load() {
  say "mixed load, $LOAD_SECONDS s, 64 connections"
  run_wrk steady "$LOAD_SECONDS" 64 | tee -a "$WORK/summary.txt"
  fails_of steady 0 | sed 's/^/steady: /' | tee -a "$WORK/summary.txt"
}

# Failed answers of a run, relative to the fault's time T0: count by status, first and last.
fails_of() {
  local name=$1 t0=$2 socket
  socket=$(sed -n 's/.*socket_errors \([0-9]* ([^)]*)\).*/\1/p' "$WORK/load/$name.out")
  cat "$WORK/load/$name"-*.fails 2>/dev/null | sort -n | awk -v t0="$t0" -v socket="${socket:-0}" '
    { n++; s[$2]++; if (first == "") first = $1; last = $1 }
    END {
      by = ""; for (k in s) by = by (by == "" ? "" : ", ") s[k] "x" k
      if (n == 0) { printf "failed 0, socket errors %s%s\n", socket, (t0 > 0 ? ", recovered 0.0 s after the fault" : ""); exit }
      rec = last - t0; if (rec < 0) rec = 0
      printf "failed %d (%s), socket errors %s, for %.1f s", n, by, socket, last - first
      if (t0 > 0) printf ", recovered %.1f s after the fault", rec
      printf "\n"
    }'
}

# A fault during a bounded run: NAME INJECT [RESTORE]; injects after 5 s, restores after 8 s.
fault() {
  local name=$1 inject=$2 restore=${3:-}
  run_wrk "$name" "$LOAD_SECONDS" 64 >/dev/null &
  local w=$!
  sleep 5
  local t0
  t0=$(now)
  $inject
  if [ -n "$restore" ]; then
    sleep 8
    $restore
  fi
  wait $w
  echo "fault $name: $(fails_of "$name" "$t0")${FAULT_NOTE:+; $FAULT_NOTE}" | tee -a "$WORK/summary.txt"
  FAULT_NOTE=""
}

# Seconds since T0, one decimal.
since() { echo "$(now) - $1" | bc -l | xargs printf '%.1f'; }

# Waits until every app host answers /health with "cache":"ok" (back on Redis).
apps_on_redis() {
  for _ in $(seq 1 300); do
    local ok=0
    for i in 1 2 3; do
      curl -sf -m 1 "http://$(ip_of "app$i"):8080/health" | grep -q '"cache":"ok"' && ok=$((ok + 1))
    done
    [ $ok -eq 3 ] && return 0
    sleep 0.1
  done
  return 1
}

kill_app1() { kill -9 "$(cat "$WORK/app1.pid")"; }
revive_app1() { start_app 1; wait_ready "http://$(ip_of app1):8080/readyz"; }
rolling_restart() { restart_apps; }
stop_replica() { in_ns pg2 runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg2" -m fast -w stop >/dev/null; }
start_replica() { in_ns pg2 runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg2" -l "$WORK/log/pg2.log" -w start >/dev/null; }
restart_primary() { in_ns pg1 runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg1" -l "$WORK/log/pg1.log" -m fast -w restart >/dev/null; }
kill_redis_primary() {
  local master
  master=$(sentinel_master)
  for n in r1 r2; do
    if [ "$(ip_of $n)" = "$master" ]; then
      KILLED_REDIS=$n
      kill -9 "$(cat "$WORK/redis/$n.pid")"
    fi
  done
  local t0 promoted
  t0=$(now)
  for _ in $(seq 1 300); do
    promoted=$(sentinel_master)
    [ -n "$promoted" ] && [ "$promoted" != "$master" ] && break
    sleep 0.1
  done
  if [ -z "$promoted" ] || [ "$promoted" = "$master" ]; then
    FAULT_NOTE="Sentinel did NOT promote a replica within 30 s"
    FAULT_BROKEN=1
    return
  fi
  FAULT_NOTE="Sentinel promoted $promoted after $(since "$t0") s"
  if apps_on_redis; then
    FAULT_NOTE+=", all apps on it after $(since "$t0") s"
  else
    FAULT_NOTE+=", but the apps did NOT come back to Redis within 30 s"
    FAULT_BROKEN=1
  fi
}
rejoin_redis() {
  start_redis "$KILLED_REDIS" --replicaof "$(sentinel_master)" 6379
}
cut_app2() { in_ns app2 ip link set eth0 down; }
mend_app2() {
  in_ns app2 ip link set eth0 up
  in_ns app2 ip route add default via "$NET.1" 2>/dev/null || true
}

faults() {
  fault kill-app kill_app1 revive_app1
  fault rolling-restart rolling_restart
  fault stop-replica stop_replica start_replica
  fault restart-primary restart_primary
  fault redis-failover kill_redis_primary rejoin_redis
  fault cut-app-host cut_app2 mend_app2
}

# Every prediction answered 200 with an id is in the database.
verify() {
  cat "$WORK/load/"*.ids | sort -u >"$WORK/load/acked.txt"
  psql -qAtX -h "$(ip_of pg1)" -p 5433 -U postgres -d fp -c "SELECT id FROM predictions" | sort -u >"$WORK/load/stored.txt"
  local acked missing
  acked=$(wc -l <"$WORK/load/acked.txt")
  missing=$(comm -23 "$WORK/load/acked.txt" "$WORK/load/stored.txt" | wc -l)
  echo "acknowledged $acked, missing $missing" | tee -a "$WORK/summary.txt"
  [ "$missing" -eq 0 ]
}

# Under load, a visitor reads their own write at once although the replica applies WAL
# $REPLICA_DELAY late; the replica's lag, sampled from /health meanwhile, is reported.
read_your_writes() {
  # shellcheck disable=SC1091
  . "$WORK/load/visitors.env"
  run_wrk ryw 8 16 >/dev/null &
  local w=$! cookie=${COOKIES%% *} id seen on_replica lag max_lag=0
  sleep 3
  id=$(curl -sf -b "fp_session=$cookie" -H 'Content-Type: application/json' \
    -d '{"league":"E0","home_team":"Liverpool","away_team":"Everton"}' "$LB/api/predict" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
  echo "$id" >>"$WORK/load/setup.ids"
  seen=$(curl -sf -b "fp_session=$cookie" "$LB/api/predictions/$id" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
  on_replica=$(psql -qAtX -h "$(ip_of pg2)" -p 5434 -U postgres -d fp -c "SELECT count(*) FROM predictions WHERE id = ${id:-0}")
  for _ in $(seq 1 8); do
    lag=$(curl -sf "$LB/health" | sed -n 's/.*"replica_lag_seconds":\([0-9.]*\).*/\1/p')
    max_lag=$(echo "${lag:-0} $max_lag" | awk '{printf "%.2f", ($1 > $2) ? $1 : $2}')
    sleep 0.25
  done
  wait $w
  local back="at once"
  [ -n "$id" ] && [ "$seen" = "$id" ] || back="NOT (got '${seen}')"
  echo "read-your-writes: prediction ${id:-NONE} read back $back under load (on the replica at that moment: $on_replica), replica lag on /health up to $max_lag s (apply delay $REPLICA_DELAY)" | tee -a "$WORK/summary.txt"
  [ -n "$id" ] && [ "$seen" = "$id" ]
}

# --- concurrency and capacity ----------------------------------------------------------------

# N more returning visitors with a few predictions each (the load's 20 visitors hold thousands
# each by now, more than a person makes), 8 at a time; their cookies and first results go to
# $WORK/load/crowd.env.
crowd() {
  local n=$1 file=$WORK/load/crowd.txt
  : >"$file"
  seq 1 "$n" | xargs -P 8 -I{} bash -c '
    out=$(curl -sf -D - -H "Content-Type: application/json" \
      -d "{\"league\":\"E0\",\"home_team\":\"Arsenal\",\"away_team\":\"Chelsea\"}" "$0/api/predict") || exit 0
    cookie=$(echo "$out" | sed -n "s/^[Ss]et-[Cc]ookie: fp_session=\([0-9a-f]*\).*/\1/p")
    id=$(echo "$out" | sed -n "s/^{\"id\":\([0-9]*\),.*/\1/p")
    for f in "Liverpool Everton" "Tottenham Fulham"; do
      set -- $f
      curl -sf -o /dev/null -b "fp_session=$cookie" -H "Content-Type: application/json" \
        -d "{\"league\":\"E0\",\"home_team\":\"$1\",\"away_team\":\"$2\"}" "$0/api/predict"
    done
    [ -n "$cookie" ] && [ -n "$id" ] && echo "$cookie $id"' "$LB" >>"$file"
  # shellcheck disable=SC1091
  . "$WORK/load/visitors.env"
  printf 'COOKIES="%s"\nRESULTS="%s"\nTOKEN=%s\n' "$(cut -d' ' -f1 "$file" | tr '\n' ' ')" \
    "$(cut -d' ' -f2 "$file" | sed 's|^|/predictions/|' | tr '\n' ' ')" "$TOKEN" >"$WORK/load/crowd.env"
  echo "$(wc -l <"$file") visitors with 3 predictions each"
}

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }

concurrency() {
  [ -f "$WORK/load/crowd.env" ] || say "crowd: $(crowd 1000)"
  say "$CONCURRENCY concurrent keep-alive clients, each pausing ~$THINK_MS ms between requests"
  for mix in history predict; do
    local line verdict p99 errors fails
    line=$(run_wrk "c10k-$mix" "$CONCURRENCY_SECONDS" "$CONCURRENCY" "$mix" "$THINK_MS" "$WORK/load/crowd.env")
    fails=$(fails_of "c10k-$mix" 0)
    p99=$(echo "$line" | sed -n 's/.*p99_ms \([0-9.]*\).*/\1/p')
    errors=$(echo "$fails" | sed -n 's/^failed \([0-9]*\).*/\1/p')
    errors=$((errors + $(echo "$line" | sed -n 's/.*socket_errors \([0-9]*\).*/\1/p')))
    verdict="met"
    [ "$errors" -eq 0 ] && [ "$(echo "$p99 < 100" | bc -l)" = 1 ] || { verdict="NOT met"; FAULT_BROKEN=1; }
    local mem=""
    for i in 1 2 3; do mem+="app$i $(rss_mb "$(cat "$WORK/app$i.pid")") MB, "; done
    mem+="haproxy $(for p in $(tier_pids haproxy); do rss_mb "$p"; echo; done | awk '{s += $1} END {print s}') MB"
    echo "concurrency $mix: $line; $fails; p99 < 100 ms and 0 errors: $verdict; memory $mem" | tee -a "$WORK/summary.txt"
  done
}

# CPU ticks of every process of a tier.
tier_pids() {
  case $1 in
    app) cat "$WORK"/app?.pid ;;
    haproxy) cat "$WORK"/lb/haproxy?.pid ;;
    postgres) for d in pg1 pg2; do
      local p
      p=$(head -1 "$WORK/$d/postmaster.pid")
      echo "$p"; pgrep -P "$p"
    done ;;
    pgbouncer) cat "$WORK/pgb/pgbouncer.pid" ;;
    redis) cat "$WORK"/redis/*.pid ;;
  esac
}
tier_ticks() {
  local t=0 p v
  for p in $(tier_pids "$1"); do
    v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    t=$((t + v))
  done
  echo $t
}

TIERS="app haproxy postgres pgbouncer redis"

# One row of the capacity table: LABEL MIX; the CPU every tier spent per request of a
# closed-loop run of that kind.
cap_row() {
  local label=$1 mix=$2 hz t line n
  hz=$(getconf CLK_TCK)
  declare -A before
  for t in $TIERS; do before[$t]=$(tier_ticks $t); done
  line=$(run_wrk "cap-$label" "$LOAD_SECONDS" 64 "$mix" 0 "$WORK/load/crowd.env")
  n=$(echo "$line" | sed -n 's/.*requests \([0-9]*\).*/\1/p')
  {
    printf '%-16s %10.0f' "$label" "$(echo "$n / $LOAD_SECONDS" | bc -l)"
    for t in $TIERS; do
      printf ' %12.1f' "$(echo "($(tier_ticks $t) - ${before[$t]}) * 1000000 / $hz / $n" | bc -l)"
    done
    printf ' %10s\n' "$(echo "$line" | sed -n 's/.*p99_ms \([0-9.]*\).*/\1/p')"
  } | tee -a "$WORK/summary.txt"
}

capacity() {
  [ -f "$WORK/load/crowd.env" ] || say "crowd: $(crowd 1000)"
  # Not the clean-up of the load before (autovacuum of the rows it wrote, a checkpoint).
  psql -qX -h "$(ip_of pg1)" -p 5433 -U postgres -d fp -c "VACUUM (ANALYZE)" -c "CHECKPOINT" >/dev/null
  say "CPU per request by tier (closed loop, 64 connections, $LOAD_SECONDS s per kind)"
  {
    printf '%-16s %10s' kind req/s
    for t in $TIERS; do printf ' %12s' "$t-µs"; done
    printf ' %10s\n' p99-ms
  } | tee -a "$WORK/summary.txt"
  local mix
  for mix in predict token history result; do cap_row "$mix" "$mix"; done
  pgbouncer_cost
}

# The same kinds with the apps straight on the primary: what transaction pooling costs (one
# more hop per query, and the statements PgBouncer prepares again on each server connection).
pgbouncer_cost() {
  local mix
  restart_apps direct
  # Warm the restarted apps' caches (sessions, pages) as the rows above had them.
  for mix in predict history; do run_wrk "warm-$mix" 5 64 "$mix" 0 "$WORK/load/crowd.env" >/dev/null; done
  for mix in predict history; do cap_row "$mix-direct" "$mix"; done
  restart_apps
}

# A rollout through the balancer: each app in turn drained (SIGTERM), started again and back
# in the balancer before the next; DIRECT: on the primary instead of PgBouncer.
restart_apps() {
  local i pid direct=${1:-}
  for i in 1 2 3; do
    pid=$(cat "$WORK/app$i.pid")
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    DIRECT_DB=$direct start_app "$i"
    wait_ready "http://$(ip_of "app$i"):8080/readyz"
    sleep 2 # the balancer's checks put it back
  done
}

# --- tear-down -------------------------------------------------------------------------------

down() {
  say "tearing down"
  for i in 1 2 3; do [ -f "$WORK/app$i.pid" ] && kill -9 "$(cat "$WORK/app$i.pid")" 2>/dev/null || true; done
  for f in "$WORK"/lb/haproxy?.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  [ -f "$WORK/pgb/pgbouncer.pid" ] && kill "$(cat "$WORK/pgb/pgbouncer.pid")" 2>/dev/null || true
  for f in "$WORK"/redis/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true; done
  for d in pg2 pg1; do
    [ -f "$WORK/$d/postmaster.pid" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/$d" -m immediate -w stop >/dev/null 2>&1 || true
  done
  for n in $NODES; do
    ip netns pids "fp-$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip link del "fpv-$n" 2>/dev/null || true
    ip netns del "fp-$n" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  if [ -d "$WORK" ]; then
    # What a failed run needs to be understood: the summary and every node's log.
    [ -f "$WORK/summary.txt" ] && cp "$WORK/summary.txt" "$WORK.summary.txt"
    rm -rf "$WORK.logs" && cp -r "$WORK/log" "$WORK.logs" 2>/dev/null || true
    rm -rf "$WORK"
  fi
}

short() {
  trap down EXIT
  LOAD_SECONDS=${LOAD_SECONDS_SHORT:-12}
  up "$DATA/E0/2024-25.csv"
  run_wrk steady 5 16 | tee -a "$WORK/summary.txt"
  fault kill-app kill_app1 revive_app1
  fault redis-failover kill_redis_primary rejoin_redis
  read_your_writes
  verify
  [ -z "${FAULT_BROKEN:-}" ]
}

all() {
  trap down EXIT
  up
  load
  faults
  read_your_writes
  concurrency
  capacity
  echo
  # Last, so that it covers the predictions of every phase.
  local verified=0
  verify || verified=1
  echo
  cat "$WORK/summary.txt"
  [ -z "${FAULT_BROKEN:-}" ] && [ $verified -eq 0 ]
}

[ "$(id -u)" = 0 ] || { echo "run.sh needs root (network namespaces, apt-get)" >&2; exit 1; }
case ${1:-all} in
  up) up ;;
  load) load; verify ;;
  faults) faults; verify ;;
  concurrency) concurrency ;;
  capacity) capacity ;;
  down) down ;;
  short) short ;;
  all) all ;;
  *) echo "usage: $0 [up|load|faults|concurrency|capacity|down|short|all]" >&2; exit 2 ;;
esac
