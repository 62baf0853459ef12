#!/usr/bin/env bash
# Throughput, state size and latency of the job graph beside a pass-through, in one run on local
# MiniClusters (parallelism 2, RocksDB, checkpoints every 10 s, incremental) with the Flink
# configuration of flink-conf/local/config.yaml. Events (default 10M of 1M customers, the demo's
# storylines) are generated once into .local/benchmark/ and served from memory by a parallel
# source; rates count the events after the first million. Runs: source only, pass-through
# (source, keyBy customer, discard), journey-10 / flink-cep-10 / journey-100 (runs of an engine
# not in the build are skipped), journey-10-features (journey-10 with a step window and an
# anyOrder group in two of its patterns), latency at half the main engine's rate.
#
# Usage: scripts/benchmark.sh [--events N] [--customers N] [--cep-events N] [--runs a,b]
#                             [--json] [--profile] [--smoke] [-Dflink.key=value] [--help]
#   --json     the last line is one JSON object with the figures
#   --profile  JFR during the main engine run, and a breakdown of hot methods and packages
#   --smoke    tiny sizes, to check it works (its figures mean nothing)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if wants_help "$@"; then
  script_help
  exit 0
fi
exec_test_main "${BENCHMARK_HEAP:-5g}" io.journeyorchestrator.benchmark.ThroughputBenchmark "$@"
