#!/usr/bin/env bash
# Soak run: the job graph (journey engine, the demo's patterns in 10 variations, audiences,
# suppressions) under steady load for N minutes on a local MiniCluster with the Flink
# configuration of flink-conf/local/config.yaml (RocksDB, checkpoints every 10 s, incremental).
# Events generated as for the benchmark (default 200k customers, 2M events, 10 per customer, kept
# in .local/benchmark/) go round in laps shifted in event time, with new ids, so the same
# customers keep coming back. Prints, every minute, events and rate, how far the paced source is
# behind its schedule (backpressure), the latest checkpoint's duration, full and incremental size,
# and the heap after the latest GC; then whether state stopped growing once event time passed the
# job's longest retention (exit 1 if it grew more than --max-growth percent, default 15), and
# RocksDB's estimate of each state's size.
#
# Usage: scripts/soak.sh [--minutes N] [--rate EVENTS_PER_S] [--customers N] [--events N]
#                        [--report-seconds S] [--max-growth PERCENT] [--json] [-Dflink.key=value]
#                        [--help]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if wants_help "$@"; then
  script_help
  exit 0
fi
exec_test_main "${SOAK_HEAP:-5g}" io.journeyorchestrator.benchmark.SoakRun "$@"
