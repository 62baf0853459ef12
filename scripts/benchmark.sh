#!/usr/bin/env bash
# Throughput of the job graph beside a pass-through job over the same generated events, in one
# run on a local MiniCluster; prints seconds, events/s and the ratio to pass-through.
#
# Usage: scripts/benchmark.sh [events] [customers] [rocksdb|hashmap]   (default 300000 20000 rocksdb)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

root="$(repo_root)"
ensure_built
(cd "$root" && mvn -q -B -DskipTests test-compile >"$root/.local/build.log" 2>&1) ||
  die "test-compile failed (log: .local/build.log)"
cp="$(project_classpath)"
read -ra opens <<<"$(java_opts_flink17)"
cd "$root"
exec java "${opens[@]}" -Xmx3g -Dlog4j2.configurationFile="$root/flink-conf/local/log4j2.properties" \
  -cp "$root/target/test-classes:$cp" io.journeyorchestrator.benchmark.ThroughputBenchmark "$@"
