#!/usr/bin/env bash
# Smoke test of the standalone cluster's supervised high-availability mode, end to end: ZooKeeper
# (scripts/zookeeper-local.sh), the cluster with FLINK_HA=zookeeper and --supervised, a broker, the
# demo job under a steady trickle of events; then a JobManager kill -9 (the supervisor starts it
# again and the job resumes by itself, same job id, from its latest checkpoint) and a TaskManager
# kill -9 (started again, every task running, checkpoints again); stop leaves nothing running.
# Also checks that every port of the cluster listens on loopback only, the metrics reporter's too.
# Exits non-zero on any failure; everything is stopped whatever happens. Prints recovery times.
#
# Usage: scripts/test-ha.sh
#   KEEP_TEST_DATA=1   keep .local/*-test-ha even when all passes
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

root="$(repo_root)"
scripts="$root/scripts"
# Ports of their own, so that a cluster, broker or ZooKeeper on the usual ones is left alone.
export FLINK_REST_PORT=17081 FLINK_RPC_PORT=17123 FLINK_BLOB_PORT=17124
export FLINK_TM_RPC_PORT=17125-17127 FLINK_TM_DATA_PORT=17121 FLINK_METRICS_PORTS=17249-17259
export FLINK_CLUSTER_HOME="$root/.local/flink-cluster-test-ha"
export FLINK_HA=zookeeper FLINK_HA_ZOOKEEPER_QUORUM=127.0.0.1:17181 FLINK_HA_CLUSTER_ID=test-ha
export ZOOKEEPER_PORT=17181 ZOOKEEPER_HOME_DIR="$root/.local/zookeeper-test-ha"
export KAFKA_PORT=17092 KAFKA_CONTROLLER_PORT=17093 KAFKA_HOME_DIR="$root/.local/kafka-test-ha"
unset FLINK_REST_URL KAFKA_BOOTSTRAP_SERVERS FLINK_SUPERVISE
readonly HOST=127.0.0.1
readonly JOB=jobs/telecom-demo
bootstrap="$HOST:$KAFKA_PORT"
work="$FLINK_CLUSTER_HOME/test"

producer_pid=""
cleanup() {
  [[ -z $producer_pid ]] || kill -TERM -- "-$producer_pid" 2>/dev/null || true
  "$scripts/flink-cluster.sh" stop >/dev/null 2>&1 || true
  "$scripts/kafka-local.sh" stop >/dev/null 2>&1 || true
  "$scripts/zookeeper-local.sh" stop >/dev/null 2>&1 || true
  if ((CJO_EXIT_CODE == 0)) && [[ -z ${KEEP_TEST_DATA:-} ]]; then
    rm -rf "$FLINK_CLUSTER_HOME" "$KAFKA_HOME_DIR" "$ZOOKEEPER_HOME_DIR"
  else
    log "kept: $FLINK_CLUSTER_HOME/log (supervisor.log too), $KAFKA_HOME_DIR, $ZOOKEEPER_HOME_DIR"
  fi
}
on_exit cleanup
rm -rf "$FLINK_CLUSTER_HOME" "$KAFKA_HOME_DIR" "$ZOOKEEPER_HOME_DIR"

pid_of() {
  cat "$FLINK_CLUSTER_HOME/$1.pid" 2>/dev/null
}
# A new pid of that role, alive, other than the one given.
replaced() {
  local pid
  pid="$(pid_of "$1")" && [[ $pid != "$2" ]] && pid_alive "$pid"
}
# Every task of the job runs (the job passes through RESTARTING and INITIALIZING on the way).
all_tasks_running() {
  flink_rest GET "/jobs/$job_id" 2>/dev/null |
    jq -e '.state == "RUNNING" and (.vertices | length > 0) and all(.vertices[]; .status == "RUNNING")' >/dev/null
}
completed_checkpoints() {
  flink_rest GET "/jobs/$job_id/checkpoints" 2>/dev/null | jq -r '.counts.completed // 0'
}
latest_completed_id() {
  flink_rest GET "/jobs/$job_id/checkpoints" 2>/dev/null | jq -r '.latest.completed.id // 0'
}
checkpointed_since() {
  [[ $(latest_completed_id) -gt $1 ]]
}
seconds() {
  printf '%d.%01d s' $(($1 / 1000)) $((($1 % 1000) / 100))
}

# --- ZooKeeper, cluster, broker ----------------------------------------------------------------------
check "zookeeper-local.sh starts" exit_code_is 0 "$scripts/zookeeper-local.sh" start
check "ZooKeeper listens on $HOST only" \
  test "$(ss -ltnH "sport = :$ZOOKEEPER_PORT" | awk '{ print $4 }' | grep -Evc '^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]):')" = 0
check "flink-cluster.sh start --supervised with FLINK_HA=zookeeper" \
  exit_code_is 0 "$scripts/flink-cluster.sh" start --supervised
check "status says supervised, with high availability" \
  grep -q 'supervised, high availability 127.0.0.1:17181' <("$scripts/flink-cluster.sh" status)
check "the cluster's config has ZooKeeper high availability" \
  grep -qx 'high-availability.type: zookeeper' "$FLINK_CLUSTER_HOME/conf/config.yaml"
check "the JobManager serves Prometheus metrics on $HOST:17249" \
  grep -q '^flink_jobmanager_numRegisteredTaskManagers' <(curl -fsS --max-time 5 "http://$HOST:17249/metrics")
check "the TaskManager serves Prometheus metrics on $HOST:17250" \
  grep -q '^flink_taskmanager_Status_JVM_CPU_Load' <(curl -fsS --max-time 5 "http://$HOST:17250/metrics")
check "every port of the cluster, metrics included, listens on 127.0.0.1 only" \
  only_loopback "$(cat "$FLINK_CLUSTER_HOME/jobmanager.pid")" "$(cat "$FLINK_CLUSTER_HOME/taskmanager.pid")"
"$scripts/kafka-local.sh" start >/dev/null || die "kafka-local.sh start failed"
"$scripts/create-topics.sh" --bootstrap-servers "$bootstrap" >/dev/null || die "create-topics failed"

# --- the job, under a trickle of events -----------------------------------------------------------
mkdir -p "$work"
job_id="$("$scripts/submit.sh" --job "$root/$JOB" --bootstrap-servers "$bootstrap")" || die "submit failed"
flink_wait_job_running "$job_id" 120 || die "job $job_id did not reach RUNNING"
setsid "$scripts/produce-events.sh" --job "$root/$JOB" --customers 200 --rate 50 --duration 10m \
  --bootstrap-servers "$bootstrap" >"$work/producer.log" 2>&1 &
producer_pid=$!
check "the job completes a checkpoint" wait_until 60 checkpointed_since 0

# --- JobManager kill -9 ---------------------------------------------------------------------------
before="$(latest_completed_id)"
jm_pid="$(pid_of jobmanager)"
t0=$(date +%s%N)
kill -9 "$jm_pid"
check "the supervisor starts a new JobManager" wait_until 30 replaced jobmanager "$jm_pid"
jm_back_ms=$(millis_since "$t0")
check "the job resumes by itself, same id, every task running" wait_until 180 all_tasks_running
jm_running_ms=$(millis_since "$t0")
restored_from_checkpoint() {
  flink_rest GET "/jobs/$job_id/checkpoints" 2>/dev/null |
    jq -e --argjson before "$before" '.latest.restored.id >= $before and .latest.restored.is_savepoint == false' >/dev/null
}
check "it restored its latest checkpoint ($before or newer)" wait_until 30 restored_from_checkpoint
after_jm="$(latest_completed_id)"
check "and completes checkpoints again" wait_until 60 checkpointed_since "$after_jm"
jm_checkpoint_ms=$(millis_since "$t0")

# --- TaskManager kill -9 --------------------------------------------------------------------------
tm_pid="$(pid_of taskmanager)"
before="$(latest_completed_id)"
t0=$(date +%s%N)
kill -9 "$tm_pid"
check "the supervisor starts a new TaskManager" wait_until 30 replaced taskmanager "$tm_pid"
tm_back_ms=$(millis_since "$t0")
tm_gone_seen() {
  ! all_tasks_running
}
# The JobManager notices a lost TaskManager by heartbeat; meanwhile the job still reads RUNNING.
wait_until 60 tm_gone_seen || true
check "the job runs again on the new TaskManager" wait_until 180 all_tasks_running
check "the new TaskManager took the next RPC port of the range (17126)" \
  test "$(ss -ltnH "sport = :17126" | wc -l)" -ge 1
tm_running_ms=$(millis_since "$t0")
check "and completes checkpoints again" wait_until 60 checkpointed_since "$before"
tm_checkpoint_ms=$(millis_since "$t0")
check "the supervisor logged both restarts" \
  test "$(grep -c 'is gone: starting it again' "$FLINK_CLUSTER_HOME/log/supervisor.log")" = 2
check "watchdog.sh finds the job healthy" exit_code_is 0 "$scripts/watchdog.sh"

# --- stop -------------------------------------------------------------------------------------------
kill -TERM -- "-$producer_pid" 2>/dev/null || true
producer_pid=""
supervisor="$(cat "$FLINK_CLUSTER_HOME/supervisor.pid")"
jm_pid="$(pid_of jobmanager)"
tm_pid="$(pid_of taskmanager)"
check "stop exits 0" exit_code_is 0 "$scripts/flink-cluster.sh" stop
check "the supervisor is gone" pid_gone "$supervisor"
sleep 3
check "nothing started the JVMs again" test ! -e "$FLINK_CLUSTER_HOME/jobmanager.pid" -a ! -e "$FLINK_CLUSTER_HOME/taskmanager.pid"
check "the JobManager is gone" pid_gone "$jm_pid"
check "the TaskManager is gone" pid_gone "$tm_pid"
check "zookeeper-local.sh stops" exit_code_is 0 "$scripts/zookeeper-local.sh" stop

cat >&2 <<REPORT

  JobManager kill -9: new JobManager after    $(seconds "$jm_back_ms")
                      job running again after $(seconds "$jm_running_ms")
                      next checkpoint after   $(seconds "$jm_checkpoint_ms")
  TaskManager kill -9: new TaskManager after  $(seconds "$tm_back_ms")
                      job running again after $(seconds "$tm_running_ms")
                      next checkpoint after   $(seconds "$tm_checkpoint_ms")
REPORT
echo "ha: $passed passed, $failed failed"
((failed == 0))
