#!/usr/bin/env bash
# Benchmark of the customer lookup service on loopback: an in-JVM Kafka broker with a compacted
# state topic of --customers customers (default 1,000,000), the service as it ships
# (scripts/lookup-server.sh, its own JVM) restoring it (timed), a paced load of
# GET /customers/{id} (--rate per second, --requests in all, on --connections connections;
# latency p50/p99 from each request's scheduled time), the most lookups --clients threads can
# make, freshness (how long after a transaction's commit the service answers with it) and the
# service's heap. The last line is one JSON object.
#
# Usage: scripts/benchmark-lookup.sh [--customers N] [--rate R] [--requests N] [--connections N]
#                                    [--max-requests N] [--clients N] [--freshness-samples N]
#                                    [--service-threads N] [--job DIR]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if wants_help "$@"; then
  script_help
  exit 0
fi
exec_test_main "${LOOKUP_BENCHMARK_HEAP:-4g}" io.journeyorchestrator.benchmark.LookupBenchmark "$@"
