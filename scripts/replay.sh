#!/usr/bin/env bash
# What a job folder would have done on recorded events: runs it on a local MiniCluster over a
# JSON-lines events file and writes matches, audience changes, suppressions, dead letters and late
# events as JSON lines, then prints a summary.
#
# Usage: scripts/replay.sh --job jobs/<job> --events <file.jsonl> --out <dir>
#            [--until <ISO instant>] [--compare-to <job folder>] [--readable] [--report]
#            [--parallelism <n>]
#   --until        stop time at this instant, e.g. 2026-03-09T00:00:00Z (default: the newest event)
#   --compare-to   the job folder before an edit: replays it too (outputs in <out>/before/) and
#                  reports what the edit changes (comparison.txt, comparison.json)
#   --readable     also writes each output as readable lines (<kind>.txt: ISO times, short ids)
#   --report       also writes <out>/report.html, a journey report with charts that opens offline
#   --parallelism  of the local run, default 2 (results do not depend on it)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if wants_help "$@"; then
  script_help
  exit 0
fi

# Make path arguments absolute: the JVM runs from the repository root.
args=()
while (($#)); do
  case $1 in
    --job | --events | --out | --compare-to)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      mkdir -p "$(dirname -- "$2")"
      args+=("$1" "$(absolute_path "$2")")
      shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
journey_cli replay "${args[@]}"
