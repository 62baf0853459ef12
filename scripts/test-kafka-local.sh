#!/usr/bin/env bash
# Smoke test of scripts/kafka-local.sh and scripts/create-topics.sh against a real broker on
# non-default ports with its own data directory (so a broker on 9092 is left alone): check the
# broker's Kafka version is the job's, start, start again, create the telecom-demo topics twice,
# check them with Kafka's own tooling, read a topic with tail-topic.sh across a broker restart
# (every record once), stop, check the ports are closed. Exits non-zero on any
# failure; the broker is stopped whatever happens.
#
# Usage: scripts/test-kafka-local.sh
#   TEST_KAFKA_PORT / TEST_KAFKA_CONTROLLER_PORT  default 19092 / 19093
#   KEEP_TEST_DATA=1                              keep .local/kafka-test even when all passes
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scripts="$(repo_root)/scripts"
export KAFKA_PORT=${TEST_KAFKA_PORT:-19092}
export KAFKA_CONTROLLER_PORT=${TEST_KAFKA_CONTROLLER_PORT:-19093}
KAFKA_HOME_DIR="$(repo_root)/.local/kafka-test"
export KAFKA_HOME_DIR
unset KAFKA_BOOTSTRAP_SERVERS
readonly HOST=127.0.0.1

# What jobs/telecom-demo/job.yaml asks for, written out here so the test does not trust the parser.
declare -A expected_partitions=(
  [cjo.interactions]=4 [cjo.pattern-matches]=4 [cjo.audience-changes]=4
  [cjo.suppressions]=4 [cjo.dead-letters]=4 [cjo.late-events]=4 [cjo.customer-state]=4
)
readonly RETAINED_30_DAYS=(cjo.dead-letters cjo.late-events)


cleanup() {
  [[ -z ${tail_pid:-} ]] || kill "$tail_pid" 2>/dev/null || true
  "$scripts/kafka-local.sh" stop >/dev/null 2>&1 || true
  if ((CJO_EXIT_CODE == 0)) && [[ -z ${KEEP_TEST_DATA:-} ]]; then
    rm -rf "$KAFKA_HOME_DIR"
  else
    log "broker data and logs kept in $KAFKA_HOME_DIR"
  fi
}

# --- versions ------------------------------------------------------------------------------------
root_pom="$(repo_root)/pom.xml"
tool_pom="$(repo_root)/scripts/tools/kafka/pom.xml"
for property in kafka.version log4j.version; do
  check "$property of the local broker matches the job's ($(pom_property "$root_pom" "$property"))" \
    test "$(pom_property "$tool_pom" "$property")" = "$(pom_property "$root_pom" "$property")"
done

port_closed "$HOST" "$KAFKA_PORT" || die "port $KAFKA_PORT is in use: set TEST_KAFKA_PORT"
port_closed "$HOST" "$KAFKA_CONTROLLER_PORT" || die "port $KAFKA_CONTROLLER_PORT is in use: set TEST_KAFKA_CONTROLLER_PORT"
rm -rf "$KAFKA_HOME_DIR"
on_exit cleanup

# --- start ---------------------------------------------------------------------------------------
classpath_state=cold
if [[ -s "$(repo_root)/.local/classpath/kafka.txt" ]] &&
  [[ "$(cat "$(repo_root)/.local/classpath/kafka.pom.sha256" 2>/dev/null)" == "$(sha256sum "$tool_pom" | cut -d' ' -f1)" ]]; then
  classpath_state=warm
fi
t0=$(date +%s%N)
bootstrap="$("$scripts/kafka-local.sh" start)" || die "kafka-local.sh start failed"
start_ms=$(millis_since "$t0")
pid="$(<"$KAFKA_HOME_DIR/kafka.pid")"
rss_ready_kb="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"

check "start prints the bootstrap address" test "$bootstrap" = "$HOST:$KAFKA_PORT"
check "the broker port answers" port_open "$HOST" "$KAFKA_PORT"
check "the log says the server started" grep -q 'Kafka Server started' "$KAFKA_HOME_DIR/logs/server.log"
check "status exits 0 while running" exit_code_is 0 "$scripts/kafka-local.sh" status
check "a second start exits 0" exit_code_is 0 "$scripts/kafka-local.sh" start
check "a second start keeps the same broker" test "$(<"$KAFKA_HOME_DIR/kafka.pid")" = "$pid"

# --- topics --------------------------------------------------------------------------------------
t0=$(date +%s%N)
"$scripts/create-topics.sh" --bootstrap-servers "$bootstrap" >/dev/null || die "create-topics failed"
topics_ms=$(millis_since "$t0")
passed=$((passed + 1))
log "ok: create-topics succeeds"
check "create-topics succeeds again (idempotent)" exit_code_is 0 \
  "$scripts/create-topics.sh" --bootstrap-servers "$bootstrap" --job "$(repo_root)/jobs/telecom-demo"

listing="$(kafka_run_class org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --list)"
description="$(kafka_run_class org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --describe)"
for topic in "${!expected_partitions[@]}"; do
  check "$topic is listed" grep -qx -- "$topic" <<<"$listing"
  count="$(awk -F'\t' -v t="Topic: $topic" '$1 == t { sub(/PartitionCount: /, "", $3); print $3 }' <<<"$description")"
  check "$topic has ${expected_partitions[$topic]} partitions (has ${count:-none})" \
    test "$count" = "${expected_partitions[$topic]}"
done
for topic in "${RETAINED_30_DAYS[@]}"; do
  check "$topic keeps records 30 days" \
    grep -Eq "^Topic: ${topic//./\\.}	.*retention\.ms=2592000000" <<<"$description"
done
check "cjo.customer-state is compacted" \
  grep -Eq "^Topic: cjo\.customer-state	.*cleanup\.policy=compact" <<<"$description"
check "auto topic creation is off" grep -qx 'auto.create.topics.enable=false' "$KAFKA_HOME_DIR/server.properties"
rss_topics_kb="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"

# --- a reader across a broker restart ------------------------------------------------------------
# tail-topic.sh prints a record it cannot decode as {"undecodable":"topic/partition/offset",...},
# so raw records show, by their offsets, whether any came twice or never.
readonly TAIL_TOPIC=cjo.dead-letters TAIL_BATCH=300
produce_raw() {
  kafka_run_class org.apache.kafka.tools.ProducerPerformance --topic "$TAIL_TOPIC" \
    --num-records "$TAIL_BATCH" --record-size 16 --throughput -1 \
    --producer-props "bootstrap.servers=$bootstrap" acks=all >/dev/null
}
tail_out="$KAFKA_HOME_DIR/tail.out"
produce_raw || die "producing the first records failed"
"$scripts/tail-topic.sh" "$TAIL_TOPIC" --bootstrap-servers "$bootstrap" --max $((2 * TAIL_BATCH)) \
  --idle-exit 120 >"$tail_out" 2>"$KAFKA_HOME_DIR/tail.err" &
tail_pid=$!
printed_at_least() { (($(wc -l <"$tail_out") >= $1)); }
wait_until 60 printed_at_least "$TAIL_BATCH" || die "the reader did not print the first records"
"$scripts/kafka-local.sh" stop >/dev/null || die "stopping the broker for the reader test failed"
sleep 3
"$scripts/kafka-local.sh" start >/dev/null || die "restarting the broker for the reader test failed"
produce_raw || die "producing after the restart failed"
wait "$tail_pid" || true
tail_lines="$(wc -l <"$tail_out")"
tail_unique="$(grep -o '"undecodable":"[^"]*"' "$tail_out" | sort -u | wc -l)"
check "tail-topic read all $((2 * TAIL_BATCH)) records across a broker restart (read $tail_lines)" \
  test "$tail_lines" = $((2 * TAIL_BATCH))
check "tail-topic read each record once across a broker restart ($tail_unique distinct)" \
  test "$tail_unique" = "$tail_lines"
pid="$(<"$KAFKA_HOME_DIR/kafka.pid")"

# --- stop ----------------------------------------------------------------------------------------
t0=$(date +%s%N)
check "stop exits 0" exit_code_is 0 "$scripts/kafka-local.sh" stop
stop_ms=$(millis_since "$t0")
check "the broker process is gone" pid_gone "$pid"
check "status exits 3 when stopped" exit_code_is 3 "$scripts/kafka-local.sh" status
check "the broker port is closed" wait_for_port_closed "$HOST" "$KAFKA_PORT" 5
check "the controller port is closed" wait_for_port_closed "$HOST" "$KAFKA_CONTROLLER_PORT" 5
check "stop when stopped exits 0" exit_code_is 0 "$scripts/kafka-local.sh" stop

log "start ${start_ms} ms (classpath $classpath_state), topics ${topics_ms} ms, stop ${stop_ms} ms;" \
  "broker RSS $((rss_ready_kb / 1024)) MB when ready, $((rss_topics_kb / 1024)) MB with topics"
echo "kafka-local: $passed passed, $failed failed"
((failed == 0))
