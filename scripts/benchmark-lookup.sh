#!/usr/bin/env bash
# Benchmark of the customer lookup service on loopback: an in-JVM Kafka broker with a compacted
# state topic of --customers customers (default 1,000,000), the service restoring it (timed, with
# the heap its store takes), a paced load of GET /customers/{id} (--rate per second, --requests in
# all; latency p50/p99 from each request's scheduled time), the most lookups --clients threads
# can make, and freshness: how long after a transaction's commit the service answers with it.
# The last line is one JSON object.
#
# Usage: scripts/benchmark-lookup.sh [--customers N] [--rate R] [--requests N]
#                                    [--max-requests N] [--clients N] [--freshness-samples N]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if wants_help "$@"; then
  script_help
  exit 0
fi
exec_test_main "${LOOKUP_BENCHMARK_HEAP:-4g}" io.journeyorchestrator.benchmark.LookupBenchmark "$@"
