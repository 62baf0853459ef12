#!/usr/bin/env bash
# A single-node Kafka (KRaft: broker and controller in one JVM) on 127.0.0.1 for local runs and
# tests, run from Maven Central jars (scripts/tools/kafka/pom.xml): no Docker, no Kafka download.
#
# Usage: scripts/kafka-local.sh start|stop|status [--port 9092]
#   start   start in the background (formats storage on first start), wait until ready, print the
#           bootstrap address on stdout; exit 0 if it is already running
#   stop    SIGTERM, wait for a clean shutdown, SIGKILL after KAFKA_STOP_TIMEOUT seconds
#   status  print running/stopped; exit 0 if running, 3 if stopped
#
# Environment:
#   KAFKA_PORT             broker (PLAINTEXT) port, default 9092; --port wins over it
#   KAFKA_CONTROLLER_PORT  KRaft controller port, default 9093
#   KAFKA_HOME_DIR         data, logs, config and pid file, default <repo>/.local/kafka
#   KAFKA_HEAP             broker heap, default 512m
#   KAFKA_START_TIMEOUT    seconds to wait for readiness, default 60
#   KAFKA_STOP_TIMEOUT     seconds to wait for a clean shutdown, default 30
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

readonly HOST=127.0.0.1
readonly READY_MESSAGE='Kafka Server started'

usage() {
  sed -n '5,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

command=${1:-}
[[ $# -gt 0 ]] && shift
port=${KAFKA_PORT:-9092}
while (($#)); do
  case $1 in
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --port=*) port=${1#--port=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
[[ $port =~ ^[0-9]+$ && $controller_port =~ ^[0-9]+$ ]] || die "ports must be numbers"
[[ $port != "$controller_port" ]] || die "broker and controller ports are both $port"

home=${KAFKA_HOME_DIR:-$(repo_root)/.local/kafka}
mkdir -p "$home"
home="$(cd -- "$home" && pwd -P)"
readonly pid_file="$home/kafka.pid"
readonly bootstrap_file="$home/bootstrap"
readonly properties="$home/server.properties"
readonly data_dir="$home/data"
readonly log_dir="$home/logs"
readonly server_log="$log_dir/server.log"

# The pid of our broker, if one is running. Checks the command line too, so a stale pid file whose
# pid was reused by another process, or a broker of another KAFKA_HOME_DIR, does not count.
running_pid() {
  pid_from_file "$pid_file" kafka.Kafka "$properties"
}

write_properties() {
  cat >"$properties" <<EOF
# Written by scripts/kafka-local.sh at each start: edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$controller_port
listeners=PLAINTEXT://$HOST:$port,CONTROLLER://$HOST:$controller_port
advertised.listeners=PLAINTEXT://$HOST:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data_dir

# Topics are created explicitly (scripts/create-topics.sh), so a typo in a topic name fails
# instead of creating a new topic.
auto.create.topics.enable=false
num.partitions=4

# One broker: internal topics cannot have more than one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Consumer groups start at once instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0
# The default (15 min), stated because the Flink KafkaSink's transaction.timeout.ms must stay below it.
transaction.max.timeout.ms=900000
EOF
}

format_storage_once() {
  [[ -f $data_dir/meta.properties ]] && return 0
  local cluster_id
  cluster_id="$(kafka_run_class kafka.tools.StorageTool random-uuid 2>>"$log_dir/format.log")"
  log "formatting storage in $data_dir (cluster id $cluster_id)"
  kafka_run_class kafka.tools.StorageTool format -t "$cluster_id" -c "$properties" \
    >>"$log_dir/format.log" 2>&1 || {
    tail -n 20 "$log_dir/format.log" >&2
    die "storage format failed (see $log_dir/format.log)"
  }
}

ready() {
  grep -q "$READY_MESSAGE" "$server_log" 2>/dev/null || port_open "$HOST" "$port"
}

start() {
  local pid started elapsed cp
  if pid="$(running_pid)"; then
    log "already running (pid $pid) at $(<"$bootstrap_file")"
    cat "$bootstrap_file"
    return 0
  fi
  rm -f "$pid_file"
  port_closed "$HOST" "$port" || die "port $port is taken by another process"
  port_closed "$HOST" "$controller_port" || die "controller port $controller_port is taken by another process"

  require_cmd java
  cp="$(tool_classpath kafka)"
  mkdir -p "$data_dir" "$log_dir"
  write_properties
  format_storage_once
  [[ -f $server_log ]] && mv -f "$server_log" "$server_log.1"

  started=$(date +%s%N)
  # setsid + nohup: the broker outlives this script and the terminal it was started from.
  setsid nohup java "-Xmx${KAFKA_HEAP:-512m}" \
    -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$(kafka_log4j_config)" \
    -cp "$cp" kafka.Kafka "$properties" >"$server_log" 2>&1 </dev/null &
  pid=$!
  printf '%s\n' "$pid" >"$pid_file"
  printf '%s:%s\n' "$HOST" "$port" >"$bootstrap_file"

  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-60}))
  until ready; do
    if pid_gone "$pid"; then
      tail -n 30 "$server_log" >&2
      rm -f "$pid_file"
      die "the broker exited during startup (log: $server_log)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$server_log" >&2
      die "not ready after ${KAFKA_START_TIMEOUT:-60}s (pid $pid still running; log: $server_log)"
    fi
    sleep 0.2
  done
  elapsed=$((($(date +%s%N) - started) / 1000000))
  log "ready at $HOST:$port (pid $pid, $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000)))s after launch; data in $home)"
  printf '%s:%s\n' "$HOST" "$port"
}

stop() {
  local pid timeout=${KAFKA_STOP_TIMEOUT:-30}
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file"
    log "not running"
    return 0
  fi
  terminate "$pid" "the broker" "$timeout"
  rm -f "$pid_file"
  log "stopped"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running (pid $pid) at $(<"$bootstrap_file")"
  else
    echo "stopped"
    return 3
  fi
}

case $command in
  start) start ;;
  stop) stop ;;
  status) status ;;
  -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
