#!/usr/bin/env bash
# The Redis half of the cluster rig, on loopback (docs/DEPLOYING.md, "Redis Sentinel and Redis Cluster"):
#   - a Redis Cluster of 3 masters on 127.0.0.1:7001-7003 (no replicas: the suite tests slot routing,
#     not Cluster failover);
#   - a Sentinel set: a master on 7101, replicas on 7102 and 7103, Sentinels on 27001-27003 watching it
#     as `casino` (quorum 2, down after 2 s, so a failover takes a few seconds).
# Every process is daemonized with a pidfile under $CLUSTER_DIR/redis and stopped by that PID.
#
#   scripts/cluster/redis.sh start    start what is not running (idempotent: also restarts a killed node)
#   scripts/cluster/redis.sh stop     stop every process by its pidfile
#   scripts/cluster/redis.sh status   one line per process, exit 1 if one does not answer
set -euo pipefail

DIR="${CLUSTER_DIR:-/tmp/casino-cluster}/redis"
CLUSTER_PORTS=(7001 7002 7003)
SENTINEL_DATA_PORTS=(7101 7102 7103)
SENTINEL_PORTS=(27001 27002 27003)
MASTER_NAME="${REDIS_SENTINEL_NAME:-casino}"

ping() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

wait_for() { # description, command...
  local what=$1; shift
  for _ in $(seq 1 100); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  echo "redis.sh: $what did not happen within 10 s" >&2
  return 1
}

running() { # pidfile
  [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

common_args() { # port, name
  echo --port "$1" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no --dir "$DIR" \
    --pidfile "$DIR/$2.pid" --logfile "$DIR/$2.log"
}

start_cluster() {
  for port in "${CLUSTER_PORTS[@]}"; do
    running "$DIR/cluster-$port.pid" && continue
    # shellcheck disable=SC2046
    redis-server $(common_args "$port" "cluster-$port") --cluster-enabled yes \
      --cluster-config-file "$DIR/nodes-$port.conf" --cluster-node-timeout 2000
  done
  for port in "${CLUSTER_PORTS[@]}"; do wait_for "Cluster node $port answering" ping "$port"; done
  if ! redis-cli -p "${CLUSTER_PORTS[0]}" cluster info | grep -q 'cluster_state:ok'; then
    local nodes=()
    for port in "${CLUSTER_PORTS[@]}"; do nodes+=("127.0.0.1:$port"); done
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$DIR/cluster-create.log"
  fi
  wait_for "Cluster state ok" bash -c "redis-cli -p ${CLUSTER_PORTS[0]} cluster info | grep -q 'cluster_state:ok'"
}

current_master_port() {
  for port in "${SENTINEL_PORTS[@]}"; do
    local answer
    answer=$(redis-cli -p "$port" sentinel get-master-addr-by-name "$MASTER_NAME" 2>/dev/null | sed -n 2p)
    if [[ -n $answer ]]; then echo "$answer"; return 0; fi
  done
  echo "${SENTINEL_DATA_PORTS[0]}"
}

start_sentinel_set() {
  # A data node that comes back joins as a replica of the current master (Sentinel would also
  # reconfigure it, but only after it answered as an empty master for a moment).
  local master
  master=$(current_master_port)
  for port in "${SENTINEL_DATA_PORTS[@]}"; do
    running "$DIR/data-$port.pid" && continue
    local role=()
    [[ $port != "$master" ]] && role=(--replicaof 127.0.0.1 "$master")
    # shellcheck disable=SC2046
    redis-server $(common_args "$port" "data-$port") "${role[@]}"
  done
  for port in "${SENTINEL_DATA_PORTS[@]}"; do wait_for "Sentinel data node $port answering" ping "$port"; done
  for port in "${SENTINEL_PORTS[@]}"; do
    running "$DIR/sentinel-$port.pid" && continue
    local conf="$DIR/sentinel-$port.conf"
    # Sentinel rewrites its file with what it learns; a fresh file each time it is started keeps the rig simple.
    cat >"$conf" <<EOF
port $port
bind 127.0.0.1
daemonize yes
pidfile $DIR/sentinel-$port.pid
logfile $DIR/sentinel-$port.log
dir $DIR
sentinel monitor $MASTER_NAME 127.0.0.1 $master 2
sentinel down-after-milliseconds $MASTER_NAME 2000
sentinel failover-timeout $MASTER_NAME 5000
sentinel parallel-syncs $MASTER_NAME 2
EOF
    redis-server "$conf" --sentinel
  done
  for port in "${SENTINEL_PORTS[@]}"; do wait_for "Sentinel $port answering" ping "$port"; done
}

stop_all() {
  shopt -s nullglob
  local pids=()
  for pidfile in "$DIR"/*.pid; do
    if running "$pidfile"; then pids+=("$(cat "$pidfile")"); kill "$(cat "$pidfile")"; fi
  done
  for pid in "${pids[@]}"; do
    wait_for "process $pid to stop" bash -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null || true
  done
  rm -f "$DIR"/*.pid "$DIR"/nodes-*.conf "$DIR"/sentinel-*.conf
}

status() {
  local bad=0
  for port in "${CLUSTER_PORTS[@]}" "${SENTINEL_DATA_PORTS[@]}" "${SENTINEL_PORTS[@]}"; do
    if ping "$port"; then echo "127.0.0.1:$port up"; else echo "127.0.0.1:$port DOWN"; bad=1; fi
  done
  redis-cli -p "${CLUSTER_PORTS[0]}" cluster info 2>/dev/null | grep cluster_state || true
  echo "sentinel master $MASTER_NAME: 127.0.0.1:$(current_master_port)"
  return $bad
}

case "${1:-}" in
  start)
    mkdir -p "$DIR"
    start_cluster
    start_sentinel_set
    echo "redis rig up: Cluster 127.0.0.1:${CLUSTER_PORTS[*]}; Sentinels 127.0.0.1:${SENTINEL_PORTS[*]} for '$MASTER_NAME' (files in $DIR)"
    ;;
  stop) stop_all ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
