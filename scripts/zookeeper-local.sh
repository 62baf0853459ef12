#!/usr/bin/env bash
# A single ZooKeeper server on 127.0.0.1 for the standalone Flink cluster's high-availability mode
# (FLINK_HA=zookeeper scripts/flink-cluster.sh start), run from Maven Central jars
# (scripts/tools/zookeeper/pom.xml): no Docker, no ZooKeeper download.
#
# Usage: scripts/zookeeper-local.sh start|stop|status
#   start   start in the background, wait until it serves clients, print host:port on stdout;
#           exit 0 if it is already running
#   stop    SIGTERM, wait for a clean shutdown, SIGKILL after ZOOKEEPER_STOP_TIMEOUT seconds
#   status  print running/stopped; exit 0 if running, 3 if stopped
#
# Environment:
#   ZOOKEEPER_PORT           client port, default 2181
#   ZOOKEEPER_HOME_DIR       data, log, config and pid file, default <repo>/.local/zookeeper
#   ZOOKEEPER_START_TIMEOUT  seconds to wait for readiness, default 60
#   ZOOKEEPER_STOP_TIMEOUT   seconds to wait for a clean shutdown, default 30
#
# One server is a single point of failure: for production run a quorum of three or five (the
# same zoo.cfg keys plus server.N lines), or use the Helm chart's Kubernetes HA.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

readonly HOST=127.0.0.1
readonly MAIN_CLASS=org.apache.zookeeper.server.ZooKeeperServerMain

usage() {
  sed -n '6,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

command=${1:-}
[[ $# -gt 0 ]] && shift
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
port=${ZOOKEEPER_PORT:-2181}
[[ $port =~ ^[0-9]+$ ]] || die "ZOOKEEPER_PORT must be a number"

home=${ZOOKEEPER_HOME_DIR:-$(repo_root)/.local/zookeeper}
mkdir -p "$home"
home="$(cd -- "$home" && pwd -P)"
readonly pid_file="$home/zookeeper.pid"
readonly config="$home/zoo.cfg"
readonly server_log="$home/zookeeper.log"

# The pid of our server, if one is running (the command line names this folder's zoo.cfg, so a
# reused pid or another folder's server does not count).
running_pid() {
  pid_from_file "$pid_file" "$MAIN_CLASS" "$config"
}

write_config() {
  cat >"$config" <<CFG
# Written by scripts/zookeeper-local.sh at each start: edit the script, not this file.
tickTime=2000
dataDir=$home/data
clientPort=$port
clientPortAddress=$HOST
# No admin HTTP server (it would listen on 8080 on every interface).
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr
# Keep the snapshot and transaction log folder from growing without end.
autopurge.snapRetainCount=3
autopurge.purgeInterval=1
CFG
}

# Serving, not only listening: the port opens before the server has loaded its data, and "srvr"
# answers "This ZooKeeper instance is not currently serving requests" until it has.
ready() {
  local answer
  port_open "$HOST" "$port" || return 1
  answer="$(exec 3<>"/dev/tcp/$HOST/$port" && printf 'srvr' >&3 && timeout 2 cat <&3)" || return 1
  grep -q '^Mode: standalone' <<<"$answer"
}

start() {
  local pid started elapsed cp deadline
  if pid="$(running_pid)"; then
    log "already running (pid $pid) at $HOST:$port"
    printf '%s:%s\n' "$HOST" "$port"
    return 0
  fi
  rm -f "$pid_file"
  port_closed "$HOST" "$port" || die "port $port is taken by another process (set ZOOKEEPER_PORT)"
  require_cmd java
  cp="$(tool_classpath zookeeper)"
  mkdir -p "$home/data"
  write_config
  [[ -f $server_log ]] && mv -f "$server_log" "$server_log.1"
  started=$(date +%s%N)
  # setsid + nohup: the server outlives this script and the terminal it was started from.
  setsid nohup java -Xmx128m -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dzookeeper.jmx.log4j.disable=true \
    -Dlog4j2.configurationFile="$(repo_root)/scripts/tools/zookeeper/log4j2.properties" \
    -cp "$cp" "$MAIN_CLASS" "$config" >"$server_log" 2>&1 </dev/null &
  pid=$!
  printf '%s\n' "$pid" >"$pid_file"
  deadline=$((SECONDS + ${ZOOKEEPER_START_TIMEOUT:-60}))
  until ready; do
    if pid_gone "$pid"; then
      tail -n 30 "$server_log" >&2
      rm -f "$pid_file"
      die "ZooKeeper exited during startup (log: $server_log)"
    fi
    ((SECONDS < deadline)) || { tail -n 30 "$server_log" >&2; die "not ready after ${ZOOKEEPER_START_TIMEOUT:-60}s (log: $server_log)"; }
    sleep 0.2
  done
  elapsed=$((($(date +%s%N) - started) / 1000000))
  log "ready at $HOST:$port (pid $pid, $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000)))s after launch; data in $home)"
  printf '%s:%s\n' "$HOST" "$port"
}

stop() {
  local pid timeout=${ZOOKEEPER_STOP_TIMEOUT:-30}
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file"
    log "not running"
    return 0
  fi
  terminate "$pid" ZooKeeper "$timeout"
  rm -f "$pid_file"
  log "stopped"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running (pid $pid) at $HOST:$port"
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
