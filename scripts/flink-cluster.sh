#!/usr/bin/env bash
# A standalone Flink session cluster on 127.0.0.1: one JobManager JVM and one TaskManager JVM,
# run from Maven Central jars (scripts/tools/flink/pom.xml) the way Flink's own jobmanager.sh and
# taskmanager.sh would run them from a distribution: no Docker, no flink-dist tarball.
#
# Usage: scripts/flink-cluster.sh start [--supervised]|stop|status
#   start   start in the background, wait until the REST API reports every task slot, print the
#           Web UI URL on stdout; exit 0 if it is already running (a missing JVM is started)
#           --supervised (or FLINK_SUPERVISE=1): also start a supervisor that starts again a
#           JobManager or TaskManager that exits or is killed (log: log/supervisor.log)
#   stop    the supervisor, then TaskManager then JobManager: SIGTERM, wait for a clean shutdown,
#           SIGKILL after FLINK_STOP_TIMEOUT seconds
#   status  print running/stopped; exit 0 if both JVMs run, 3 otherwise
#
# Environment:
#   FLINK_REST_PORT      REST API and Web UI port (rest.port), default 8081
#   FLINK_RPC_PORT       JobManager RPC port (jobmanager.rpc.port), default 6123
#   FLINK_METRICS_PORTS  Prometheus reporter port range, default 9249-9259
#   FLINK_METRICS_HOST   address the Prometheus reporter listens on, default 127.0.0.1
#   FLINK_BLOB_PORT      JobManager blob server port or range (blob.server.port), default 0
#   FLINK_TM_RPC_PORT    TaskManager RPC port or range (taskmanager.rpc.port), default 0; with
#                        --supervised give a fixed one as a range of 2 or more ports, so that a
#                        restarted TaskManager comes back on another port (the JobManager does
#                        not hear a new TaskManager on a dead one's address for minutes)
#   FLINK_TM_DATA_PORT   TaskManager data exchange port (taskmanager.data.port), default 0
#                        (0: a free port chosen at start; set them to open fixed firewall holes)
#   FLINK_CLUSTER_HOME   conf/, log/, tmp/, checkpoints/, savepoints/ and pid files, default
#                        <repo>/.local/flink-cluster
#   FLINK_START_TIMEOUT  seconds to wait for the slots, default 90
#   FLINK_STOP_TIMEOUT   seconds to wait for a clean shutdown of each JVM, default 30
#   FLINK_HA             none (default) or zookeeper: high availability through ZooKeeper (see
#                        scripts/zookeeper-local.sh); with it a JobManager that comes back, by
#                        --supervised or by hand, resumes the running jobs from their latest
#                        checkpoint. Job graphs and checkpoint pointers go to <home>/ha.
#   FLINK_HA_ZOOKEEPER_QUORUM  host:port[,host:port...], default 127.0.0.1:2181
#   FLINK_HA_CLUSTER_ID  this cluster's folder in ZooKeeper, default journey-orchestrator
#
# The configuration is flink-conf/cluster/ (config.yaml, log4j.properties), copied at each start
# into $FLINK_CLUSTER_HOME/conf with ${CLUSTER_HOME} replaced by that absolute folder and the
# ports above written in: edit flink-conf/cluster/, not the copy. JVM memory flags come from
# Flink's BashJavaUtils, as in Flink's scripts; the Java 17 opens from the root pom.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

readonly HOST=127.0.0.1
readonly JM_CLASS=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
readonly TM_CLASS=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
readonly BASH_JAVA_UTILS=org.apache.flink.runtime.util.bash.BashJavaUtils

usage() {
  sed -n '6,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

command=${1:-}
[[ $# -gt 0 ]] && shift
supervised=${FLINK_SUPERVISE:-}
[[ $supervised == 0 ]] && supervised=""
while (($#)); do
  case $1 in
    --supervised) supervised=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

rest_port=${FLINK_REST_PORT:-8081}
rpc_port=${FLINK_RPC_PORT:-6123}
metrics_ports=${FLINK_METRICS_PORTS:-9249-9259}
metrics_host=${FLINK_METRICS_HOST:-127.0.0.1}
[[ $rest_port =~ ^[0-9]+$ && $rpc_port =~ ^[0-9]+$ ]] || die "ports must be numbers"
[[ $rest_port != "$rpc_port" ]] || die "REST and RPC ports are both $rest_port"
[[ $metrics_ports =~ ^[0-9]+(-[0-9]+)?$ ]] || die "FLINK_METRICS_PORTS must be a port or a range (a-b)"
blob_port=${FLINK_BLOB_PORT:-0}
tm_rpc_port=${FLINK_TM_RPC_PORT:-0}
tm_data_port=${FLINK_TM_DATA_PORT:-0}
[[ $blob_port =~ ^[0-9]+(-[0-9]+)?$ ]] || die "FLINK_BLOB_PORT must be a port or a range (a-b)"
[[ $tm_rpc_port =~ ^[0-9]+(-[0-9]+)?$ ]] || die "FLINK_TM_RPC_PORT must be a port or a range (a-b)"
[[ $tm_data_port =~ ^[0-9]+$ ]] || die "FLINK_TM_DATA_PORT must be a port number"
ha=${FLINK_HA:-none}
[[ $ha == none || $ha == zookeeper ]] || die "FLINK_HA must be none or zookeeper, not '$ha'"
ha_quorum=${FLINK_HA_ZOOKEEPER_QUORUM:-127.0.0.1:2181}
ha_cluster_id=${FLINK_HA_CLUSTER_ID:-journey-orchestrator}
[[ $ha_cluster_id =~ ^[A-Za-z0-9._-]+$ ]] || die "FLINK_HA_CLUSTER_ID may hold letters, digits, . _ - only"
# The REST helpers of lib.sh talk to this cluster.
export FLINK_REST_PORT=$rest_port
unset FLINK_REST_URL

home=${FLINK_CLUSTER_HOME:-$(repo_root)/.local/flink-cluster}
mkdir -p "$home"
home="$(cd -- "$home" && pwd -P)"
readonly conf_dir="$home/conf"
readonly log_dir="$home/log"
readonly tmp_dir="$home/tmp"
readonly web_url="http://localhost:$rest_port"

# running_pid jobmanager|taskmanager: the pid of that JVM of this cluster, if it runs. Checks the
# command line, so a stale pid file whose pid was reused, or another cluster's JVM, does not count.
running_pid() {
  local role=$1 class
  [[ $role == jobmanager ]] && class=$JM_CLASS || class=$TM_CLASS
  pid_from_file "$home/$role.pid" "$class --configDir $conf_dir"
}

# yaml_set file dotted.key value: replace the value of an existing key in a block-style YAML file
# (nested mappings, as in flink-conf/cluster/config.yaml), keeping its comment. Fails if absent.
yaml_set() {
  local file=$1 key=$2 value=$3 tmp
  tmp="$file.tmp"
  awk -v want="$key" -v value="$value" '
    function indent(s) { match(s, /^ */); return RLENGTH }
    /^[[:space:]]*$/ || /^[[:space:]]*#/ { print; next }
    {
      ind = indent($0)
      line = $0
      sub(/^ +/, "", line)
      colon = index(line, ":")
      if (colon == 0) { print; next }
      k = substr(line, 1, colon - 1)
      while (depth > 0 && ind <= ind_at[depth]) depth--
      depth++
      ind_at[depth] = ind
      key_at[depth] = k
      path = key_at[1]
      for (i = 2; i <= depth; i++) path = path "." key_at[i]
      if (path == want) {
        comment = ""
        if (match($0, /[[:space:]]+#.*$/)) comment = substr($0, RSTART)
        printf "%s%s: %s%s\n", substr($0, 1, ind), k, value, comment
        found = 1
        next
      }
      print
    }
    END { exit found ? 0 : 1 }' "$file" >"$tmp" || { rm -f "$tmp"; die "no key $key in $file"; }
  mv -f "$tmp" "$file"
}

write_conf() {
  local src file
  src="$(repo_root)/flink-conf/cluster"
  [[ -f $src/config.yaml ]] || die "no $src/config.yaml"
  # Leftovers of JVMs that were killed (Flink unpacks a 21 MB RPC jar there at each start).
  rm -rf "$tmp_dir"
  mkdir -p "$conf_dir" "$log_dir" "$tmp_dir/web" "$home/plugins" "$home/checkpoints" "$home/savepoints"
  for file in "$src"/*; do
    # ${CLUSTER_HOME} is a literal placeholder in the source files (comments left as they are).
    # shellcheck disable=SC2016
    sed -e '/^[[:space:]]*#/!s|${CLUSTER_HOME}|'"${home//&/\\&}"'|g' "$file" >"$conf_dir/$(basename -- "$file")"
  done
  yaml_set "$conf_dir/config.yaml" rest.port "$rest_port"
  yaml_set "$conf_dir/config.yaml" jobmanager.rpc.port "$rpc_port"
  yaml_set "$conf_dir/config.yaml" metrics.reporter.prom.port "$metrics_ports"
  yaml_set "$conf_dir/config.yaml" metrics.reporter.prom.host "$metrics_host"
  yaml_set "$conf_dir/config.yaml" blob.server.port "$blob_port"
  yaml_set "$conf_dir/config.yaml" taskmanager.rpc.port "$tm_rpc_port"
  yaml_set "$conf_dir/config.yaml" taskmanager.data.port "$tm_data_port"
  [[ $ha == zookeeper ]] && write_ha_conf
  # shellcheck disable=SC2016 # the literal placeholder
  grep -v '^[[:space:]]*#' "$conf_dir/config.yaml" | grep -qF '${CLUSTER_HOME}' && die "\${CLUSTER_HOME} left in $conf_dir/config.yaml"
  return 0
}

# write_ha_conf: ZooKeeper high availability, appended to the copied config.yaml (flink-conf/cluster
# has no high-availability section: without FLINK_HA there is none). The leader's address and the
# jobs' pointers live in ZooKeeper, the job graphs and checkpoint metadata in storageDir; the
# checkpoints themselves stay where execution.checkpointing.dir says.
write_ha_conf() {
  cat >>"$conf_dir/config.yaml" <<HA

# Written by scripts/flink-cluster.sh for FLINK_HA=zookeeper.
high-availability.type: zookeeper
high-availability.storageDir: file://$home/ha
high-availability.cluster-id: /$ha_cluster_id
high-availability.zookeeper.quorum: $ha_quorum
high-availability.zookeeper.path.root: /flink
HA
  mkdir -p "$home/ha"
}

# cluster_classpath: the JVMs' classpath, lib/ of a distribution: scripts/tools/flink's jars but
# Flink's Prometheus reporter, which is loaded once, from its plugin folder.
cluster_classpath() {
  tool_classpath flink | tr ':' '\n' | grep -v '/flink-metrics-prometheus-[^/]*\.jar$' | paste -sd:
}

# install_metrics_plugin: Flink's Prometheus reporter and the project's loopback-bound factory for
# it (the -prometheus-reporter jar of `mvn package`) in one plugin folder, as on a distribution
# (plugins/metrics-prometheus/): both must share the plugin's class loader.
install_metrics_plugin() {
  local root flink_jar plugin
  root="$(repo_root)"
  ensure_built
  flink_jar="$(tool_classpath flink | tr ':' '\n' | grep '/flink-metrics-prometheus-[^/]*\.jar$')" ||
    die "flink-metrics-prometheus is not in scripts/tools/flink/pom.xml's classpath"
  plugin="$home/plugins/metrics-prometheus"
  rm -rf "$plugin"
  mkdir -p "$plugin"
  cp -f "$flink_jar" "$root"/target/journey-orchestrator-*-prometheus-reporter.jar "$plugin/"
}

# resource_params jobmanager|taskmanager: two lines, the JVM memory flags and the -D properties
# Flink's scripts pass to the entry point, computed by Flink itself from config.yaml.
resource_params() {
  local what out
  [[ $1 == jobmanager ]] && what=GET_JM_RESOURCE_PARAMS || what=GET_TM_RESOURCE_PARAMS
  out="$(java -Xmx128m -XX:TieredStopAtLevel=1 -cp "$cp" "$BASH_JAVA_UTILS" "$what" \
    --configDir "$conf_dir" 2>&1)" || {
    printf '%s\n' "$out" | tail -n 20 >&2
    die "BashJavaUtils $what failed: check $conf_dir/config.yaml"
  }
  out="$(sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<<"$out")"
  [[ $(wc -l <<<"$out") -eq 2 ]] || die "unexpected BashJavaUtils $what output: $out"
  printf '%s\n' "$out"
}

# launch jobmanager|taskmanager [-D key=value ...]: start one JVM in the background, as
# flink-daemon.sh would, with the given properties over config.yaml's.
launch() {
  local role=$1 class params pid
  local -a jvm dynamic opens
  shift
  [[ $role == jobmanager ]] && class=$JM_CLASS || class=$TM_CLASS
  params="$(resource_params "$role")"
  read -ra jvm <<<"$(sed -n 1p <<<"$params")"
  read -ra dynamic <<<"$(sed -n 2p <<<"$params")"
  read -ra opens <<<"$(java_opts_flink17)"
  [[ -f $log_dir/$role.log ]] && mv -f "$log_dir/$role.log" "$log_dir/$role.log.1"
  # As flink-daemon.sh: FLINK_CONF_DIR and FLINK_PLUGINS_DIR (Flink reads both from the environment;
  # plugins would otherwise be looked up in ./plugins). setsid + nohup: the JVM outlives this
  # script and the terminal it was started from.
  FLINK_CONF_DIR="$conf_dir" FLINK_PLUGINS_DIR="$home/plugins" setsid nohup java "${jvm[@]}" "${opens[@]}" \
    -Djava.io.tmpdir="$tmp_dir" \
    -Dlog.file="$log_dir/$role.log" \
    -Dlog4j.configuration="file:$conf_dir/log4j.properties" \
    -Dlog4j.configurationFile="file:$conf_dir/log4j.properties" \
    -classpath "$cp" "$class" --configDir "$conf_dir" "${dynamic[@]}" "$@" \
    >"$log_dir/$role.out" 2>&1 </dev/null &
  pid=$!
  printf '%s\n' "$pid" >"$home/$role.pid"
  log "$role started (pid $pid, log $log_dir/$role.log)"
}

# slots_total: the cluster's registered task slots, from GET /overview.
slots_total() {
  curl -sf --max-time 2 "$web_url/overview" 2>/dev/null | jq -r '.["slots-total"] // 0'
}

expected_slots() {
  awk '$1 == "numberOfTaskSlots:" { print $2; exit }' "$conf_dir/config.yaml"
}

fail_start() {
  local role
  for role in jobmanager taskmanager; do
    [[ -f $log_dir/$role.log ]] && { echo "--- $log_dir/$role.log" >&2; tail -n 15 "$log_dir/$role.log" >&2; }
    [[ -s $log_dir/$role.out ]] && { echo "--- $log_dir/$role.out" >&2; tail -n 15 "$log_dir/$role.out" >&2; }
  done
  stop >/dev/null 2>&1 || true
  die "$*"
}

start() {
  local jm_pid tm_pid want have started elapsed deadline
  require_cmd java curl jq
  jm_pid="$(running_pid jobmanager)" || jm_pid=""
  tm_pid="$(running_pid taskmanager)" || tm_pid=""
  if [[ -z $jm_pid ]]; then
    port_closed "$HOST" "$rest_port" || die "REST port $rest_port is taken by another process (set FLINK_REST_PORT)"
    port_closed "$HOST" "$rpc_port" || die "RPC port $rpc_port is taken by another process (set FLINK_RPC_PORT)"
  fi
  if [[ -n $jm_pid && -n $tm_pid ]]; then
    log "already running (JobManager pid $jm_pid, TaskManager pid $tm_pid)"
  else
    cp="$(cluster_classpath)"
    # Rewritten only when nothing runs, so a running JVM never sees its configuration change.
    if [[ -z $jm_pid && -z $tm_pid ]]; then
      write_conf
      install_metrics_plugin
    fi
    started=$(date +%s%N)
    [[ -n $jm_pid ]] || launch jobmanager
    [[ -n $tm_pid ]] || launch taskmanager
  fi

  want="$(expected_slots)"
  want=${want:-1}
  deadline=$((SECONDS + ${FLINK_START_TIMEOUT:-90}))
  # slots-total reads 0 for about a second after the TaskManager registers: wait for the number.
  until have="$(slots_total)" && [[ -n $have ]] && ((have >= want)); do
    running_pid jobmanager >/dev/null || fail_start "the JobManager exited during startup"
    running_pid taskmanager >/dev/null || fail_start "the TaskManager exited during startup"
    ((SECONDS < deadline)) || fail_start "${have:-no} of $want slots after ${FLINK_START_TIMEOUT:-90}s"
    sleep 0.2
  done
  if [[ -n ${started:-} ]]; then
    elapsed=$((($(date +%s%N) - started) / 1000000))
    log "ready: $have slots, $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000)))s after launch (home $home)"
  fi
  [[ -n $supervised ]] && start_supervisor
  log "Web UI: $web_url"
  printf '%s\n' "$web_url"
}

# The supervisor ------------------------------------------------------------------------------------
# A loop in its own process (this script, command _supervise) that starts a JVM of this cluster
# again when it is gone: the TaskManager after a fatal error (Flink exits a TaskManager whose task
# cleanup fails, and a standalone cluster then waits for slots forever), the JobManager after a
# crash or kill (with FLINK_HA=zookeeper it then resumes the jobs from their latest checkpoints).
# Without a supervisor of your own (systemd, Kubernetes), use this one.

supervisor_pid() {
  pid_from_file "$home/supervisor.pid" "flink-cluster.sh _supervise"
}

start_supervisor() {
  local pid
  if pid="$(supervisor_pid)"; then
    log "supervisor already running (pid $pid)"
    return 0
  fi
  FLINK_CLUSTER_HOME="$home" setsid nohup bash "${BASH_SOURCE[0]}" _supervise \
    >>"$log_dir/supervisor.log" 2>&1 </dev/null &
  pid=$!
  printf '%s\n' "$pid" >"$home/supervisor.pid"
  log "supervisor started (pid $pid, log $log_dir/supervisor.log)"
}

# rotated_range a-b n: the part of a-b that starts n places after a (wrapping round), for a
# restarted TaskManager, which takes the first free port of it. A TaskManager restarted on the
# address of the one that died is not heard by the JobManager for minutes: its RPC system still
# holds the dead peer's association to that address and drops the new one's registration replies
# ("read-only association"). Flink takes one range here, not a list, so no wrap within one start.
rotated_range() {
  local first=${1%-*} last=${1#*-} n=$2
  printf '%s-%s\n' "$((first + n % (last - first + 1)))" "$last"
}

# supervise: every FLINK_SUPERVISE_INTERVAL seconds (default 2), start what is gone. A JVM that
# dies again within a minute of its start waits twice as long before the next start (up to a
# minute), so a JVM that cannot start does not spin.
supervise() {
  local role interval=${FLINK_SUPERVISE_INTERVAL:-2}
  local -A started=() delay=() restarts=()
  trap 'log "supervisor stopped"; exit 0' TERM INT
  cp="$(cluster_classpath)"
  log "supervising the JobManager and TaskManager of $home"
  while true; do
    for role in jobmanager taskmanager; do
      running_pid "$role" >/dev/null && continue
      if ((SECONDS - ${started[$role]:--100} < 60)); then
        delay[$role]=$((${delay[$role]:-1} * 2 > 60 ? 60 : ${delay[$role]:-1} * 2))
      else
        delay[$role]=0
      fi
      restarts[$role]=$((${restarts[$role]:-0} + 1))
      log "the $role is gone: starting it again in ${delay[$role]}s (restart ${restarts[$role]})"
      sleep "${delay[$role]}" & wait $!
      if running_pid "$role" >/dev/null; then
        :
      elif [[ $role == taskmanager && $tm_rpc_port == *-* ]]; then
        launch "$role" -D "taskmanager.rpc.port=$(rotated_range "$tm_rpc_port" "${restarts[$role]}")"
      else
        launch "$role"
      fi
      started[$role]=$SECONDS
    done
    sleep "$interval" & wait $!
  done
}

stop_supervisor() {
  local pid
  pid="$(supervisor_pid)" || { rm -f "$home/supervisor.pid"; return 0; }
  log "stopping the supervisor (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  wait_until 10 pid_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$home/supervisor.pid"
}

stop_one() {
  local role=$1 pid timeout=${FLINK_STOP_TIMEOUT:-30}
  if ! pid="$(running_pid "$role")"; then
    rm -f "$home/$role.pid"
    return 0
  fi
  terminate "$pid" "the $role" "$timeout"
  rm -f "$home/$role.pid"
}

stop() {
  stop_supervisor
  if ! running_pid jobmanager >/dev/null && ! running_pid taskmanager >/dev/null; then
    rm -f "$home/jobmanager.pid" "$home/taskmanager.pid"
    log "not running"
    return 0
  fi
  # TaskManager first, as Flink's stop-cluster.sh: the JobManager still sees it deregister.
  stop_one taskmanager
  stop_one jobmanager
  log "stopped"
}

status() {
  local jm_pid tm_pid slots
  jm_pid="$(running_pid jobmanager)" || jm_pid=""
  tm_pid="$(running_pid taskmanager)" || tm_pid=""
  if [[ -n $jm_pid && -n $tm_pid ]]; then
    slots="$(slots_total)" || slots=""
    echo "running (JobManager pid $jm_pid, TaskManager pid $tm_pid, ${slots:-?} slots) at $web_url$(
      supervisor_pid >/dev/null && echo ", supervised")$([[ $ha == zookeeper ]] && echo ", high availability $ha_quorum")"
  elif [[ -n $jm_pid || -n $tm_pid ]]; then
    echo "partly running (JobManager pid ${jm_pid:-none}, TaskManager pid ${tm_pid:-none}): run start or stop"
    return 3
  else
    echo "stopped"
    return 3
  fi
}

case $command in
  start) start ;;
  stop) stop ;;
  status) status ;;
  _supervise) supervise ;;
  -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
