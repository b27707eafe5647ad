#!/usr/bin/env bash
# A 3-node MariaDB Galera cluster on loopback for the cluster suite (test/cluster): nodes n1..n3 on
# ports 4306/4307/4308 (gcomm 4567/4577/4587, IST +1, SST +2), rsync SST, every node as user mysql.
# Data lives under $CLUSTER_DIR (default /tmp/casino-galera); PIDs are stored there and stopping is by
# PID only. Usage: galera.sh start | stop | status | kill N | restart N | ports
set -euo pipefail

CLUSTER_DIR=${CLUSTER_DIR:-/tmp/casino-galera}
NODES=(1 2 3)
SQL_PORT=(0 4306 4307 4308)
GCOMM_PORT=(0 4567 4577 4587)
PROVIDER=/usr/lib/galera/libgalera_smm.so
WAIT_S=${GALERA_WAIT_S:-120}

log() { echo "[galera] $*" >&2; }

ensure_packages() {
  if [ ! -f "$PROVIDER" ] || ! command -v rsync >/dev/null; then
    log "installing galera-4 and rsync"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq galera-4 rsync >/dev/null
  fi
}

cnf() { echo "$CLUSTER_DIR/n$1/my.cnf"; }

write_cnf() { # node
  local n=$1 dir="$CLUSTER_DIR/n$1" g=${GCOMM_PORT[$1]}
  cat >"$(cnf "$n")" <<CNF
[mysqld]
user=mysql
datadir=$dir/data
tmpdir=$dir/tmp
socket=$dir/mysql.sock
port=${SQL_PORT[$n]}
bind-address=127.0.0.1
pid-file=$dir/mysqld.pid
log-error=$dir/error.log
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
innodb_buffer_pool_size=64M
innodb_log_file_size=48M
innodb_flush_log_at_trx_commit=2
performance_schema=OFF
max_connections=300
skip-name-resolve
wsrep_on=ON
wsrep_provider=$PROVIDER
wsrep_cluster_name=casino
wsrep_cluster_address=gcomm://127.0.0.1:4567,127.0.0.1:4577,127.0.0.1:4587
wsrep_node_address=127.0.0.1
wsrep_node_incoming_address=127.0.0.1:${SQL_PORT[$n]}
wsrep_node_name=n$n
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$g;ist.recv_addr=127.0.0.1:$((g + 1));gcache.size=64M"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$((g + 2))
# n3 is the donor of choice: the suite writes through n1 and n2, and a donor stalls while it sends.
wsrep_sst_donor=n3,
CNF
}

sql() { # node, statement
  mariadb --protocol=tcp -h127.0.0.1 -P"${SQL_PORT[$1]}" -uroot -N -B -e "$2" 2>/dev/null
}

status_of() { # node -> "size state ready" or empty
  sql "$1" "SELECT (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='wsrep_cluster_size'),
    (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='wsrep_local_state_comment'),
    (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='wsrep_ready')" || true
}

pid_of() { [ -f "$CLUSTER_DIR/n$1/pid" ] && cat "$CLUSTER_DIR/n$1/pid" || true; }

alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

wait_synced() { # node, expected size
  local deadline=$((SECONDS + WAIT_S)) s
  while [ $SECONDS -lt $deadline ]; do
    s=$(status_of "$1")
    if [ "$(echo "$s" | awk '{print $1}')" = "$2" ] && echo "$s" | grep -q 'Synced'; then return 0; fi
    if ! alive "$1"; then log "n$1 died; tail of its log:"; tail -n 30 "$CLUSTER_DIR/n$1/error.log" >&2; return 1; fi
    sleep 0.5
  done
  log "n$1 not Synced with size $2 after ${WAIT_S}s (status: $s)"; tail -n 30 "$CLUSTER_DIR/n$1/error.log" >&2
  return 1
}

launch() { # node, extra mariadbd args...
  local n=$1; shift
  setsid mariadbd --defaults-file="$(cnf "$n")" "$@" </dev/null >>"$CLUSTER_DIR/n$n/stdout.log" 2>&1 &
  echo $! >"$CLUSTER_DIR/n$n/pid"
}

init_node() {
  local n=$1 dir="$CLUSTER_DIR/n$1"
  mkdir -p "$dir/data" "$dir/tmp"
  write_cnf "$n"
  chown -R mysql:mysql "$dir"
  mariadb-install-db --defaults-file="$(cnf "$n")" --user=mysql --auth-root-authentication-method=normal >"$dir/install.log" 2>&1
}

start() {
  ensure_packages
  if alive 1 || alive 2 || alive 3; then log "already running (stop it first)"; status; return 0; fi
  rm -rf "$CLUSTER_DIR"; mkdir -p "$CLUSTER_DIR"
  for n in "${NODES[@]}"; do init_node "$n"; done
  launch 1 --wsrep-new-cluster
  wait_synced 1 1
  for n in 2 3; do launch "$n"; wait_synced "$n" "$n"; done
  for n in "${NODES[@]}"; do wait_synced "$n" 3; done
  log "cluster up: 127.0.0.1:4306,4307,4308 (data in $CLUSTER_DIR)"
}

stop_node() { # node; SIGTERM by PID, then SIGKILL after 30 s
  local n=$1 pid; pid=$(pid_of "$n")
  [ -z "$pid" ] && return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$CLUSTER_DIR/n$n/pid"
}

stop() {
  # Joiners first, the last node standing last, so no node waits for a quorum that left.
  for n in 3 2 1; do stop_node "$n"; done
  if [ "${KEEP_CLUSTER_DIR:-0}" != 1 ]; then rm -rf "$CLUSTER_DIR"; fi
  log "stopped"
}

status() {
  for n in "${NODES[@]}"; do
    echo "n$n port ${SQL_PORT[$n]} pid $(pid_of "$n") $(alive "$n" && echo alive || echo down) $(status_of "$n")"
  done
}

kill_node() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; rm -f "$CLUSTER_DIR/n$1/pid"; }

restart_node() { # rejoin a killed node: recover its position first so it can rejoin by IST
  local n=$1
  alive "$n" && return 0
  rm -f "$CLUSTER_DIR/n$n/data/sst_in_progress" "$CLUSTER_DIR/n$n/mysqld.pid"
  sudo_mysql=(mariadbd --defaults-file="$(cnf "$n")" --wsrep-recover)
  "${sudo_mysql[@]}" >>"$CLUSTER_DIR/n$n/stdout.log" 2>&1 || true
  local pos; pos=$(grep -o 'Recovered position: .*' "$CLUSTER_DIR/n$n/error.log" | tail -n 1 | awk '{print $3}')
  if [ -n "$pos" ]; then launch "$n" --wsrep-start-position="$pos"; else launch "$n"; fi
  wait_synced "$n" 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) kill_node "$2" ;;
  restart) restart_node "$2" ;;
  *) echo "usage: $0 start|stop|status|kill N|restart N" >&2; exit 2 ;;
esac
