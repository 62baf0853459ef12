#!/usr/bin/env bash
# The project's fault-injection suite, self-checking, loopback only: generated journeys fed at a
# steady rate into a real broker and a real standalone cluster (ZooKeeper high availability,
# supervised); in each run one fault mid-stream; then the committed output (read_committed)
# compared with replay of the same events by deterministic id: lost, duplicated, extra, the time
# until the job checkpoints again after the fault, and the worst delay from an event to the
# match it completed after the fault. Exits 1 if any run lost, repeated or invented a decision,
# or a hostile record did not come out on the dead-letter or late-events topic.
#
# Usage: scripts/test-faults.sh [--only fault[,fault...]] [--events N] [--customers N] [--rate R]
#   faults: taskmanager-kill broker-term broker-kill broker-outage-90s broker-outage-3m
#           jobmanager-kill hostile-burst (default: all, about 30 minutes)
#   --events     events per run, default 24000     --customers  default 2000
#   --rate       events per second, default 200
#   KEEP_TEST_DATA=1  keep .local/faults even when all passes
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

readonly ALL_FAULTS=(taskmanager-kill broker-term broker-kill broker-outage-90s broker-outage-3m jobmanager-kill hostile-burst)
only="" events=24000 customers=2000 rate=200
while (($#)); do
  case $1 in
    --only) only=${2:?}; shift 2 ;;
    --events) events=${2:?}; shift 2 ;;
    --customers) customers=${2:?}; shift 2 ;;
    --rate) rate=${2:?}; shift 2 ;;
    -h | --help) sed -n '10,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (--help)" ;;
  esac
done
faults=("${ALL_FAULTS[@]}")
[[ -n $only ]] && IFS=, read -ra faults <<<"$only"
for fault in "${faults[@]}"; do
  [[ " ${ALL_FAULTS[*]} " == *" $fault "* ]] || die "unknown fault $fault (one of: ${ALL_FAULTS[*]})"
done

root="$(repo_root)"
scripts="$root/scripts"
export FLINK_REST_PORT=15081 FLINK_RPC_PORT=15123 FLINK_BLOB_PORT=15124
export FLINK_TM_RPC_PORT=15122 FLINK_TM_DATA_PORT=15121 FLINK_METRICS_PORTS=15249-15259
export FLINK_CLUSTER_HOME="$root/.local/faults/flink"
export FLINK_HA=zookeeper FLINK_HA_ZOOKEEPER_QUORUM=127.0.0.1:15181 FLINK_HA_CLUSTER_ID=faults
export ZOOKEEPER_PORT=15181 ZOOKEEPER_HOME_DIR="$root/.local/faults/zookeeper"
export KAFKA_PORT=15092 KAFKA_CONTROLLER_PORT=15093 KAFKA_HOME_DIR="$root/.local/faults/kafka"
unset FLINK_REST_URL KAFKA_BOOTSTRAP_SERVERS FLINK_SUPERVISE
readonly HOST=127.0.0.1 JOB=jobs/telecom-demo
readonly OUTPUT_TOPICS=(cjo.pattern-matches cjo.audience-changes cjo.suppressions cjo.dead-letters cjo.late-events)
bootstrap="$HOST:$KAFKA_PORT"
work="$root/.local/faults"

producer_pid="" reader_pid=""
stop_group() {
  [[ -n $1 ]] || return 0
  kill -TERM -- "-$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  stop_group "$producer_pid"
  stop_group "$reader_pid"
  "$scripts/flink-cluster.sh" stop >/dev/null 2>&1 || true
  "$scripts/kafka-local.sh" stop >/dev/null 2>&1 || true
  "$scripts/zookeeper-local.sh" stop >/dev/null 2>&1 || true
  if ((CJO_EXIT_CODE == 0)) && [[ -z ${KEEP_TEST_DATA:-} ]]; then
    rm -rf "$work/flink" "$work/kafka" "$work/zookeeper"
  else
    log "kept: $work (each run's outputs and logs under $work/runs)"
  fi
}
on_exit cleanup
rm -rf "$work"
mkdir -p "$work/runs"

# test_main main-class args...: a main of the test sources, in a subshell (exec_test_main execs).
test_main() {
  (exec_test_main 1g "$@")
}

# --- the events, and what replay decides on them ----------------------------------------------------
"$scripts/generate-events.sh" --customers "$customers" --events "$events" --late-fraction 0 \
  --out "$work/generated.jsonl" >/dev/null
# Some customers get non-ASCII ids: the job must treat them like any other.
sed -E 's/"customerId":"c-0000([0-4])/"customerId":"kunde-ü-客-\1/' "$work/generated.jsonl" >"$work/events.jsonl"
cut="$(test_main io.journeyorchestrator.faults.FaultRunCheck cut --events "$work/events.jsonl" \
  --partitions 4 --out-of-orderness PT30S)"
"$scripts/replay.sh" --job "$JOB" --events "$work/events.jsonl" --out "$work/expected" --until "$cut" \
  >"$work/replay.log" 2>&1 || { tail -n 20 "$work/replay.log" >&2; die "replay failed"; }
log "$(wc -l <"$work/events.jsonl") events; replay decides until $cut"

"$scripts/zookeeper-local.sh" start >/dev/null
"$scripts/flink-cluster.sh" start --supervised >/dev/null

# --- helpers of one run ---------------------------------------------------------------------------------
kafka_pid() {
  cat "$KAFKA_HOME_DIR/kafka.pid"
}
fresh_broker() {
  "$scripts/kafka-local.sh" stop >/dev/null 2>&1 || true
  rm -rf "$KAFKA_HOME_DIR"
  "$scripts/kafka-local.sh" start >/dev/null
  "$scripts/create-topics.sh" --bootstrap-servers "$bootstrap" >/dev/null
}
latest_ack() {
  flink_rest GET "/jobs/$job_id/checkpoints" 2>/dev/null | jq -r '.latest.completed.latest_ack_timestamp // 0'
}
# Milliseconds since epoch, as the REST API gives them.
now_ms() {
  date +%s%3N
}
sent_events() {
  [[ -f $run/sent.log ]] && wc -l <"$run/sent.log" || echo 0
}
sent_at_least() {
  (($(sent_events) >= $1))
}
# Wait until a checkpoint completes after $1 (epoch ms); print when, or nothing after 6 minutes.
checkpoint_after() {
  local since=$1 deadline=$((SECONDS + 360)) ack
  while ((SECONDS < deadline)); do
    ack="$(latest_ack)" || ack=0
    if [[ $ack =~ ^[0-9]+$ ]] && ((ack > since)); then
      printf '%s\n' "$ack"
      return 0
    fi
    sleep 1
  done
  return 1
}
# Records read back so far.
observed_lines() {
  wc -l <"$run/observed.tsv"
}

inject() {
  case $1 in
    taskmanager-kill) kill -9 "$(cat "$FLINK_CLUSTER_HOME/taskmanager.pid")" ;;
    jobmanager-kill) kill -9 "$(cat "$FLINK_CLUSTER_HOME/jobmanager.pid")" ;;
    broker-term) "$scripts/kafka-local.sh" stop >/dev/null && "$scripts/kafka-local.sh" start >/dev/null ;;
    broker-kill) kill -9 "$(kafka_pid)" && wait_until 10 pid_gone "$(kafka_pid)" && "$scripts/kafka-local.sh" start >/dev/null ;;
    broker-outage-90s) "$scripts/kafka-local.sh" stop >/dev/null && sleep 90 && "$scripts/kafka-local.sh" start >/dev/null ;;
    broker-outage-3m) "$scripts/kafka-local.sh" stop >/dev/null && sleep 180 && "$scripts/kafka-local.sh" start >/dev/null ;;
    hostile-burst)
      test_main io.journeyorchestrator.faults.HostileRecords --bootstrap-servers "$bootstrap" \
        --topic cjo.interactions --each 5 >"$run/hostile.json" ;;
  esac
}

failed_runs=0
rows=()
for fault in "${faults[@]}"; do
  run="$work/runs/$fault"
  mkdir -p "$run"
  log "--- $fault"
  fresh_broker
  job_id="$("$scripts/submit.sh" --job "$root/$JOB" --bootstrap-servers "$bootstrap" 2>"$run/submit.log")" ||
    { cat "$run/submit.log" >&2; die "submit failed"; }
  flink_wait_job_running "$job_id" 120 || die "job $job_id did not start"
  : >"$run/observed.tsv"
  # Each record stamped with the time it was read (read_committed: after its transaction commits).
  setsid bash -c '"$1" "${@:3}" --bootstrap-servers "$2" 2>>"'"$run"'/tail.log" |
    while IFS= read -r line; do printf "%s\t%s\n" "$EPOCHREALTIME" "$line"; done' _ \
    "$scripts/tail-topic.sh" "$bootstrap" "${OUTPUT_TOPICS[@]}" >"$run/observed.tsv" &
  reader_pid=$!
  setsid "$scripts/produce-events.sh" --job "$root/$JOB" --events "$work/events.jsonl" --rate "$rate" \
    --sent-log "$run/sent.log" --bootstrap-servers "$bootstrap" >"$run/producer.log" 2>&1 &
  producer_pid=$!

  wait_until 600 sent_at_least $((events * 2 / 5)) || die "the producer did not get 40 % of the events out"
  fault_at=$(now_ms)
  inject "$fault" || die "could not inject $fault"
  fault_done=$(now_ms)
  recovered_at="$(checkpoint_after "$fault_done")" || recovered_at=""
  recovery_ms=$([[ -n $recovered_at ]] && echo $((recovered_at - fault_at)) || echo -1)

  wait "$producer_pid" || { tail -n 5 "$run/producer.log" >&2; die "the producer failed"; }
  producer_pid=""
  # Everything sent is in a transaction that commits with the next checkpoint or two; then wait
  # until nothing more arrives.
  produced_at=$(now_ms)
  checkpoint_after "$produced_at" >/dev/null && checkpoint_after "$(now_ms)" >/dev/null || true
  last=-1
  until [[ $(observed_lines) == "$last" ]]; do
    last=$(observed_lines)
    sleep 10
  done
  stop_group "$reader_pid"
  reader_pid=""
  flink_rest PATCH "/jobs/$job_id?mode=cancel" >/dev/null || true
  flink_wait_job_state "$job_id" CANCELED 60 >/dev/null 2>&1 || true

  failed=0
  row="$(test_main io.journeyorchestrator.faults.FaultRunCheck compare --expected "$work/expected" \
    --observed "$run/observed.tsv" --events "$work/events.jsonl" --sent-log "$run/sent.log" \
    --cut "$cut" --fault-at "$fault_at")" || failed=1
  hostile_expected=0
  if [[ $fault == hostile-burst ]]; then
    hostile_expected="$(jq -r .total "$run/hostile.json")"
  fi
  rejected="$(cut -f2- "$run/observed.tsv" | jq -c 'select(has("error") or has("behindMillis"))' | wc -l)"
  expected_rejected=$(($(wc -l <"$work/expected/dead-letters.jsonl") + $(wc -l <"$work/expected/late-events.jsonl") + hostile_expected))
  if ((rejected != expected_rejected)); then
    log "FAIL: $fault: $rejected dead letters and late events, expected $expected_rejected"
    failed=1
  fi
  failed_runs=$((failed_runs + failed))
  row="$(jq -c --arg fault "$fault" --argjson events "$events" --argjson recovery "$recovery_ms" \
    --argjson rejected "$rejected" --argjson expectedRejected "$expected_rejected" \
    '{fault: $fault, events: $events} + . + {recoveryMs: $recovery, rejected: $rejected, expectedRejected: $expectedRejected}' <<<"$row")"
  printf '%s\n' "$row" >"$run/result.json"
  log "$fault: $row"
  rows+=("$row")
done

printf '%s\n' "${rows[@]}" >"$work/results.jsonl"
{
  echo
  printf '| fault | events | expected decisions | lost | duplicated | extra | rejected (expected) | checkpointed again after | worst delay after fault | p99 delay |\n'
  printf '|---|---|---|---|---|---|---|---|---|---|\n'
  jq -r '"| \(.fault) | \(.events) | \(.expected) | \(.lost) | \(.duplicated) | \(.extra) | \(.rejected) (\(.expectedRejected)) | \(.recoveryMs / 1000) s | \(.delayMs.worstAfterFault) ms | \(.delayMs.p99) ms |"' "$work/results.jsonl"
} >&2
echo "faults: $((${#faults[@]} - failed_runs)) of ${#faults[@]} runs exact"
((failed_runs == 0))
