#!/usr/bin/env bash
# The whole thing on this machine: builds if needed, starts a local Kafka broker, creates the
# topics, runs the job on a local MiniCluster (Flink Web UI on http://localhost:8081), starts the
# demo producer and the customer lookup service (http://127.0.0.1:8088, LOOKUP_PORT to change),
# and prints audience changes, suppression decisions and next best actions as they happen.
# Ctrl-C stops everything this script started.
#
# Usage: scripts/run-local.sh [--job jobs/<job>] [--customers N] [--rate R]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

job=jobs/telecom-demo
customers=500
rate=100
while (($#)); do
  case $1 in
    --job) job=${2:?}; shift 2 ;;
    --customers) customers=${2:?}; shift 2 ;;
    --rate) rate=${2:?}; shift 2 ;;
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

root="$(repo_root)"
cd "$root"
job="$(absolute_path "$job")"
run_dir="$root/.local/run-local"
mkdir -p "$run_dir"
port=${KAFKA_PORT:-9092}
bootstrap="127.0.0.1:$port"

journey_cli validate "$job" >/dev/null || { journey_cli validate "$job"; exit 2; }

if ! "$root/scripts/kafka-local.sh" status >/dev/null 2>&1; then
  "$root/scripts/kafka-local.sh" start --port "$port" >/dev/null
  on_exit "'$root/scripts/kafka-local.sh' stop >/dev/null 2>&1"
fi
KAFKA_BOOTSTRAP_SERVERS=$bootstrap "$root/scripts/create-topics.sh" --job "$job" >/dev/null

# The topic named by kafka.topics.<key>; a top-level section of the same name (decisions:) has
# no value on its line.
topics() {
  awk -v key="$1" '$1 == key":" && $2 != "" && $2 !~ /^#/ {print $2; exit}' "$job/job.yaml"
}

log "starting the job on a local MiniCluster (log: .local/run-local/job.log)"
run_java io.journeyorchestrator.job.JourneyOrchestratorJob --job "$job" --local \
  --bootstrap-servers "$bootstrap" >"$run_dir/job.log" 2>&1 &
job_pid=$!
on_exit "stop_tree $job_pid"
wait_for_port 127.0.0.1 8081 120 || { tail -n 40 "$run_dir/job.log" >&2; die "the job did not start"; }

log "starting the demo producer: $customers customers, $rate events/s (log: .local/run-local/producer.log)"
journey_cli produce-events --job "$job" --bootstrap-servers "$bootstrap" \
  --customers "$customers" --rate "$rate" >"$run_dir/producer.log" 2>&1 &
producer_pid=$!
on_exit "stop_tree $producer_pid"

lookup_port=${LOOKUP_PORT:-8088}
log "starting the lookup service on 127.0.0.1:$lookup_port (log: .local/run-local/lookup.log)"
KAFKA_BOOTSTRAP_SERVERS=$bootstrap "$root/scripts/lookup-server.sh" --job "$job" \
  --port "$lookup_port" >"$run_dir/lookup.log" 2>&1 &
lookup_pid=$!
on_exit "stop_tree $lookup_pid"

cat >&2 <<MSG

  Flink Web UI      http://localhost:8081
  Kafka             $bootstrap  (scripts/tail-topic.sh <topic> to read any topic)
  Lookup service    curl -s http://127.0.0.1:$lookup_port/customers/<customer id from below>
                    (e.g. c-000001; 404 while the customer is in no audience)
  Output below      audience changes, suppression decisions and next best actions, in
                    event time, as each checkpoint commits them (every 10 s). Ctrl-C stops
                    everything.

MSG
# In the background with a wait, so that a TERM to this script (not only Ctrl-C) stops at once.
journey_cli tail-topic --bootstrap-servers "$bootstrap" --readable \
  "$(topics audienceChanges)" "$(topics suppressions)" $(topics decisions) &
tail_pid=$!
on_exit "stop_tree $tail_pid"
wait "$tail_pid"
