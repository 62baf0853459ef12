#!/usr/bin/env bash
# Smoke test of the job on a real Flink session cluster, end to end: start the cluster
# (scripts/flink-cluster.sh) and a Kafka broker (scripts/kafka-local.sh) on non-default ports with
# their own folders (so a cluster on 8081 or a broker on 9092 is left alone), create the topics,
# submit jobs/telecom-demo (scripts/submit.sh), wait until all its tasks run, produce demo events,
# read audience changes back from Kafka, stop the job with a savepoint and check it on disk, stop
# everything. Exits non-zero on any failure; the cluster and broker are stopped whatever happens.
# Prints timings and memory at the end.
#
# Usage: scripts/test-flink-cluster.sh
#   TEST_FLINK_REST_PORT / TEST_FLINK_RPC_PORT    default 18081 / 16123
#   TEST_KAFKA_PORT / TEST_KAFKA_CONTROLLER_PORT  default 19092 / 19093
#   KEEP_TEST_DATA=1                              keep .local/flink-cluster-test and
#                                                 .local/kafka-test-flink even when all passes
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

root="$(repo_root)"
scripts="$root/scripts"
export FLINK_REST_PORT=${TEST_FLINK_REST_PORT:-18081}
export FLINK_RPC_PORT=${TEST_FLINK_RPC_PORT:-16123}
export FLINK_METRICS_PORTS=19249-19259
export FLINK_BLOB_PORT=${TEST_FLINK_BLOB_PORT:-16124}
export FLINK_TM_RPC_PORT=${TEST_FLINK_TM_RPC_PORT:-16122}
export FLINK_TM_DATA_PORT=${TEST_FLINK_TM_DATA_PORT:-16121}
export FLINK_CLUSTER_HOME="$root/.local/flink-cluster-test"
export KAFKA_PORT=${TEST_KAFKA_PORT:-19092}
export KAFKA_CONTROLLER_PORT=${TEST_KAFKA_CONTROLLER_PORT:-19093}
export KAFKA_HOME_DIR="$root/.local/kafka-test-flink"
unset FLINK_REST_URL KAFKA_BOOTSTRAP_SERVERS
readonly HOST=127.0.0.1
readonly JOB=jobs/telecom-demo
readonly AUDIENCE_TOPIC=cjo.audience-changes
readonly EXPECTED_SLOTS=2
bootstrap="$HOST:$KAFKA_PORT"
work="$FLINK_CLUSTER_HOME/test"


seconds() {
  printf '%d.%01d s' $(($1 / 1000)) $((($1 % 1000) / 100))
}

rss_mb() {
  awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$1/status"
}

producer_pid=""
# The producer runs in its own process group (setsid), so its JVM, a grandchild, stops with it.
stop_producer() {
  [[ -n $producer_pid ]] || return 0
  kill -TERM -- "-$producer_pid" 2>/dev/null || true
  wait "$producer_pid" 2>/dev/null || true
  producer_pid=""
}
cleanup() {
  stop_producer
  "$scripts/flink-cluster.sh" stop >/dev/null 2>&1 || true
  "$scripts/kafka-local.sh" stop >/dev/null 2>&1 || true
  if ((CJO_EXIT_CODE == 0)) && [[ -z ${KEEP_TEST_DATA:-} ]]; then
    rm -rf "$FLINK_CLUSTER_HOME" "$KAFKA_HOME_DIR"
  else
    log "cluster logs kept in $FLINK_CLUSTER_HOME/log, broker data in $KAFKA_HOME_DIR"
  fi
}

# --- versions: the cluster runs the Flink the job is built for -------------------------------------
root_pom="$root/pom.xml"
tool_pom="$scripts/tools/flink/pom.xml"
for property in flink.version log4j.version; do
  check "$property of the cluster matches the job's ($(pom_property "$root_pom" "$property"))" \
    test "$(pom_property "$tool_pom" "$property")" = "$(pom_property "$root_pom" "$property")"
done
flink_version="$(pom_property "$root_pom" flink.version)"

for port in "$FLINK_REST_PORT" "$FLINK_RPC_PORT" "$FLINK_BLOB_PORT" "$FLINK_TM_RPC_PORT" \
  "$FLINK_TM_DATA_PORT" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
  port_closed "$HOST" "$port" || die "port $port is in use: set the TEST_*_PORT variables"
done
rm -rf "$FLINK_CLUSTER_HOME" "$KAFKA_HOME_DIR"
on_exit cleanup

# Build and resolve first, so the timings below measure the cluster, not Maven.
ensure_built
tool_classpath flink >/dev/null
tool_classpath kafka >/dev/null
project_classpath >/dev/null

# --- cluster ---------------------------------------------------------------------------------------
t0=$(date +%s%N)
web_url="$("$scripts/flink-cluster.sh" start)" || die "flink-cluster.sh start failed"
cluster_start_ms=$(millis_since "$t0")
jm_pid="$(<"$FLINK_CLUSTER_HOME/jobmanager.pid")"
tm_pid="$(<"$FLINK_CLUSTER_HOME/taskmanager.pid")"
sleep 3 # settle before measuring idle memory
jm_rss_idle=$(rss_mb "$jm_pid")
tm_rss_idle=$(rss_mb "$tm_pid")

overview="$(flink_rest GET /overview)" || die "no /overview"
check "start prints the Web UI URL" test "$web_url" = "http://localhost:$FLINK_REST_PORT"
check "the REST API reports $EXPECTED_SLOTS slots" test "$(jq -r '.["slots-total"]' <<<"$overview")" -ge "$EXPECTED_SLOTS"
check "the cluster runs Flink $flink_version" test "$(jq -r '.["flink-version"]' <<<"$overview")" = "$flink_version"
check "status exits 0 while running" exit_code_is 0 "$scripts/flink-cluster.sh" status
check "a second start exits 0" exit_code_is 0 "$scripts/flink-cluster.sh" start
check "a second start keeps the same JVMs" \
  test "$(<"$FLINK_CLUSTER_HOME/jobmanager.pid") $(<"$FLINK_CLUSTER_HOME/taskmanager.pid")" = "$jm_pid $tm_pid"
check "no \${CLUSTER_HOME} left in the cluster's config" \
  bash -c "! grep -v '^[[:space:]]*#' '$FLINK_CLUSTER_HOME/conf/config.yaml' | grep -qF '\${CLUSTER_HOME}'"
check "savepoints go to the cluster folder" \
  grep -qF "savepoint-dir: file://$FLINK_CLUSTER_HOME/savepoints" "$FLINK_CLUSTER_HOME/conf/config.yaml"
check "the JobManager logs to the cluster folder" test -s "$FLINK_CLUSTER_HOME/log/jobmanager.log"
check "the TaskManager logs to the cluster folder" test -s "$FLINK_CLUSTER_HOME/log/taskmanager.log"
check "the blob server listens on FLINK_BLOB_PORT ($FLINK_BLOB_PORT)" port_open "$HOST" "$FLINK_BLOB_PORT"
check "the TaskManager RPC listens on FLINK_TM_RPC_PORT ($FLINK_TM_RPC_PORT)" \
  port_open "$HOST" "$FLINK_TM_RPC_PORT"
check "the TaskManager data port listens on FLINK_TM_DATA_PORT ($FLINK_TM_DATA_PORT)" \
  port_open "$HOST" "$FLINK_TM_DATA_PORT"

metrics_of() {
  curl -fsS --max-time 5 "http://$HOST:$1/metrics"
}
check "the JobManager serves Prometheus metrics on $HOST:19249" \
  grep -q '^flink_jobmanager_numRegisteredTaskManagers' <(metrics_of 19249)
check "the TaskManager serves Prometheus metrics on $HOST:19250" \
  grep -q '^flink_taskmanager_Status_JVM_CPU_Load' <(metrics_of 19250)
check "every port of the cluster, metrics included, listens on 127.0.0.1 only" \
  only_loopback "$(cat "$FLINK_CLUSTER_HOME/jobmanager.pid")" "$(cat "$FLINK_CLUSTER_HOME/taskmanager.pid")"

# --- Kafka -----------------------------------------------------------------------------------------
"$scripts/kafka-local.sh" start >/dev/null || die "kafka-local.sh start failed"
"$scripts/create-topics.sh" --bootstrap-servers "$bootstrap" >/dev/null || die "create-topics failed"

# --- submit ----------------------------------------------------------------------------------------
mkdir -p "$work"
cp -r "$root/$JOB" "$work/invalid-job"
sed -i 's/^name: .*/name: Not_A_Valid_Name/' "$work/invalid-job/job.yaml"
check "submit refuses an invalid job folder with exit 2" exit_code_is 2 \
  "$scripts/submit.sh" --job "$work/invalid-job" --bootstrap-servers "$bootstrap"
check "nothing was uploaded for the invalid folder" \
  test "$(flink_rest GET /jars | jq '.files | length')" = 0

t0=$(date +%s%N)
job_id="$("$scripts/submit.sh" --job "$root/$JOB" --bootstrap-servers "$bootstrap")" || die "submit failed"
submit_ms=$(millis_since "$t0")
check "submit prints a job id" grep -Eqx '[0-9a-f]{32}' <<<"$job_id"
t1=$(date +%s%N)
flink_wait_job_running "$job_id" 120 || die "job $job_id did not reach RUNNING"
running_ms=$(millis_since "$t0")
deploy_ms=$(millis_since "$t1")
passed=$((passed + 1))
log "ok: job $job_id and all its tasks are RUNNING"
check "the job runs with the cluster's parallelism ($EXPECTED_SLOTS)" \
  test "$(flink_rest GET "/jobs/$job_id/config" | jq -r '.["execution-config"]["job-parallelism"]')" = "$EXPECTED_SLOTS"
check "one jar uploaded" test "$(flink_rest GET /jars | jq '.files | length')" = 1
jm_rss_job=$(rss_mb "$jm_pid")
tm_rss_job=$(rss_mb "$tm_pid")

# --- events in, audience changes out ---------------------------------------------------------------
t0=$(date +%s%N)
setsid "$scripts/produce-events.sh" --job "$root/$JOB" --customers 200 --rate 200 --duration 20s \
  --bootstrap-servers "$bootstrap" >"$work/producer.log" 2>&1 &
producer_pid=$!
# The tail itself takes seconds to start: keep trying until the first changes are committed (they
# appear after the checkpoint that covers them, every 10 s).
changes="$work/audience-changes.jsonl"
first_change_ms=""
deadline=$((SECONDS + 150))
while ((SECONDS < deadline)); do
  "$scripts/tail-topic.sh" "$AUDIENCE_TOPIC" --bootstrap-servers "$bootstrap" \
    --idle-exit 30 --max 5 >"$changes" 2>>"$work/tail.log" || true
  if [[ -s $changes ]]; then
    first_change_ms=$(millis_since "$t0")
    break
  fi
  [[ $(flink_job_state "$job_id") == RUNNING ]] || break
done
check "audience changes appear on $AUDIENCE_TOPIC" test -s "$changes"
check "they are decoded audience changes" \
  jq -se 'length > 0 and all(has("changeId") and has("audienceId") and (.change | test("ENTERED|EXITED")))' "$changes" >/dev/null
check "the job is still RUNNING" test "$(flink_job_state "$job_id")" = RUNNING
# --duration bounds the event count (rate x duration), not the wall clock: once event time has
# caught up with the clock the producer paces events in real time and can run for minutes. Give it
# a moment, then stop it.
wait_until 20 pid_gone "$producer_pid" || true
stop_producer
check "the producer sent events" grep -Eq 'sent [0-9,]+ events' "$work/producer.log"
check "checkpoints complete" \
  test "$(flink_rest GET "/jobs/$job_id/checkpoints" | jq '.counts.completed')" -ge 1

# --- stop with a savepoint -------------------------------------------------------------------------
t0=$(date +%s%N)
savepoint="$(flink_stop_with_savepoint "$job_id")" || savepoint=""
savepoint_ms=$(millis_since "$t0")
in_savepoint_dir() {
  [[ $savepoint == "file:$FLINK_CLUSTER_HOME/savepoints/savepoint-"* ]]
}
check "stop-with-savepoint returns a path in the cluster's savepoint folder ($savepoint)" in_savepoint_dir
check "the savepoint folder holds _metadata" test -s "${savepoint#file:}/_metadata"
check "the job is FINISHED" test "$(flink_job_state "$job_id")" = FINISHED

# --- a JobManager lost without high availability: resubmit from the latest checkpoint -------------
resumed_id="$("$scripts/submit.sh" --job "$JOB" --from-savepoint "$savepoint" --bootstrap-servers "$bootstrap")" ||
  die "resubmit from the savepoint failed"
checkpointed() {
  [[ $(flink_rest GET "/jobs/$resumed_id/checkpoints" | jq '.counts.completed') -ge 1 ]]
}
check "the resumed job completes a checkpoint" wait_until 60 checkpointed
check "watchdog.sh finds the running job healthy" exit_code_is 0 "$scripts/watchdog.sh"
kill -9 "$jm_pid"
check "the JobManager is killed" wait_until 10 pid_gone "$jm_pid"
check "start brings back the missing JobManager" exit_code_is 0 "$scripts/flink-cluster.sh" start
jm_pid="$(<"$FLINK_CLUSTER_HOME/jobmanager.pid")"
check "watchdog.sh exits 0 with no job running" exit_code_is 0 "$scripts/watchdog.sh"
check "the new JobManager knows no job (no high availability)" \
  test "$(flink_rest GET /jobs | jq '[.jobs[] | select(.status == "RUNNING")] | length')" = 0
latest_id="$("$scripts/submit.sh" --job "$JOB" --from-latest-checkpoint --bootstrap-servers "$bootstrap")" ||
  latest_id=""
restored() {
  flink_rest GET "/jobs/$latest_id/checkpoints" |
    jq -e --arg id "$resumed_id" '.latest.restored.external_path | test($id + "/chk-[0-9]+")' >/dev/null
}
check "submit --from-latest-checkpoint restores the lost job's latest checkpoint" wait_until 60 restored
kill -9 "$tm_pid"
unhealthy() { exit_code_is 1 "$scripts/watchdog.sh" --max-checkpoint-age PT20S; }
check "watchdog.sh flags the job once its TaskManager is gone" wait_until 60 unhealthy
[[ -n $latest_id ]] && flink_rest PATCH "/jobs/$latest_id?mode=cancel" >/dev/null || true

# --- stop ------------------------------------------------------------------------------------------
t0=$(date +%s%N)
check "stop exits 0" exit_code_is 0 "$scripts/flink-cluster.sh" stop
stop_ms=$(millis_since "$t0")
check "the JobManager is gone" pid_gone "$jm_pid"
check "the TaskManager is gone" pid_gone "$tm_pid"
check "status exits 3 when stopped" exit_code_is 3 "$scripts/flink-cluster.sh" status
check "the REST port is closed" wait_for_port_closed "$HOST" "$FLINK_REST_PORT" 5
check "the RPC port is closed" wait_for_port_closed "$HOST" "$FLINK_RPC_PORT" 5
check "stop when stopped exits 0" exit_code_is 0 "$scripts/flink-cluster.sh" stop

cat >&2 <<REPORT

  cluster start (2 slots reported)    $(seconds "$cluster_start_ms")
  RSS idle                            JobManager ${jm_rss_idle} MB, TaskManager ${tm_rss_idle} MB
  RSS with the job running            JobManager ${jm_rss_job} MB, TaskManager ${tm_rss_job} MB
  submit.sh returns the job id        $(seconds "$submit_ms")
  submit to all tasks RUNNING         $(seconds "$running_ms") ($(seconds "$deploy_ms") after submit.sh returned)
  producer start to first change      ${first_change_ms:+$(seconds "$first_change_ms")} (includes the tail's JVM start)
  stop-with-savepoint                 $(seconds "$savepoint_ms")
  cluster stop                        $(seconds "$stop_ms")

REPORT
echo "flink-cluster: $passed passed, $failed failed"
((failed == 0))
